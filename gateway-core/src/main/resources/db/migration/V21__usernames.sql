-- Login names of accounts, operators and administrators are one namespace: a name in a command, a log line or an
-- audit record stands for one principal. Each of the three tables has its own unique key, and nothing spanned them:
-- the gateway checked the three tables and then inserted, so two nodes (or two admin requests) creating an account
-- and an operator of one name at once on PostgreSQL both saw it free and both committed. Every creation now also
-- inserts the name here, in the same transaction (io.vaultgate.core.catalog.Usernames); the primary key makes the
-- second creator wait for the first and then find the name taken.
-- principal_kind and principal_id are those of api_tokens: accounts.id, operators.id, admins.name. A removed
-- operator's row stays (its name is never given to anyone else); a removed administrator's row goes with it.
CREATE TABLE usernames (
    name           VARCHAR(64) PRIMARY KEY,
    principal_kind VARCHAR(16) NOT NULL CHECK (principal_kind IN ('account', 'operator', 'admin')),
    principal_id   VARCHAR(64) NOT NULL
);

-- The names already given. An older catalog may hold one name twice: administrators' names were long checked
-- against other administrators only, and the check over the tables could be raced on PostgreSQL. Such a catalog
-- is still upgraded, not refused: the name is recorded for one holder, accounts first, then operators, then
-- administrators (the only kind that can be removed, so removing such an administrator never frees a name another
-- principal holds). The others keep their rows and their logins; `vaultgate doctor` lists every name held twice,
-- and docs/access-control.md says how to resolve one.
INSERT INTO usernames (name, principal_kind, principal_id)
    SELECT username, 'account', id FROM accounts;
INSERT INTO usernames (name, principal_kind, principal_id)
    SELECT o.username, 'operator', o.id FROM operators o
    WHERE NOT EXISTS (SELECT 1 FROM usernames u WHERE u.name = o.username);
INSERT INTO usernames (name, principal_kind, principal_id)
    SELECT a.name, 'admin', a.name FROM admins a
    WHERE NOT EXISTS (SELECT 1 FROM usernames u WHERE u.name = a.name);
