package io.vaultgate.core.catalog;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Login names of accounts, operators, administrators and monitors share one namespace, so that a name in a command
 * ({@code vaultgate account revoke NAME}), a log line or an audit record stands for one principal. A removed
 * operator's name stays taken; a removed administrator's or monitor's name is free again.
 *
 * <p>The database enforces it: every creation takes the name in the {@code usernames} table (V21), whose primary key
 * is the name, in the creation's own transaction. Checking the three tables and then inserting, as before, let two
 * creations at once on PostgreSQL (two nodes, two admin requests) both find the name free.
 */
public final class Usernames {

    /** The kinds of principal that have a name, spelled as {@code api_tokens.principal_kind} spells them. */
    public enum Kind {
        ACCOUNT("an account"), OPERATOR("an operator"), ADMIN("an administrator"), MONITOR("a monitor");

        private final String one;

        Kind(String one) {
            this.one = one;
        }

        /** As {@code api_tokens.principal_kind} and this table spell it. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** One principal of the kind, for messages: {@code an administrator}. */
        public String one() {
            return one;
        }

        static Kind of(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * Takes {@code name} for a new principal within {@code jdbc}'s transaction. Empty when the name was free: it is
     * now the principal's, for good once the transaction commits. Otherwise the kind of principal already holding
     * it, and nothing was changed. On PostgreSQL a concurrent transaction that took the same name first makes this
     * one wait until it ends: the name is then taken if it committed, and this one's if it rolled back.
     *
     * @param principalId the account's or operator's id, the administrator's or monitor's name
     */
    public Optional<Kind> take(Jdbc jdbc, String name, Kind kind, String principalId) throws SQLException {
        while (jdbc.update("INSERT INTO usernames (name, principal_kind, principal_id) VALUES (?, ?, ?) "
                + "ON CONFLICT (name) DO NOTHING", name, kind.value(), principalId) == 0) {
            Optional<Kind> holder = jdbc.queryOne("SELECT principal_kind FROM usernames WHERE name = ?",
                    row -> Kind.of(row.getString(1)), name);
            if (holder.isPresent()) {
                return holder;
            }
            // its holder (an administrator or monitor) was removed between the two statements: the name is free again
        }
        // A node of a version before V21 gives names without a row here (during a rolling upgrade): the principal
        // tables still tell, for every name committed before this read.
        Optional<Kind> older = jdbc.query("SELECT 'account' FROM accounts WHERE username = ? UNION ALL "
                + "SELECT 'operator' FROM operators WHERE username = ? UNION ALL SELECT 'admin' FROM admins "
                + "WHERE name = ?", row -> Kind.of(row.getString(1)), name, name, name).stream().findFirst();
        if (older.isPresent()) {
            jdbc.update("DELETE FROM usernames WHERE name = ? AND principal_kind = ? AND principal_id = ?", name,
                    kind.value(), principalId);
        }
        return older;
    }

    /** Frees the name of an administrator or monitor being removed, in the removal's transaction. */
    public void release(Jdbc jdbc, String name, Kind kind) throws SQLException {
        if (kind != Kind.ADMIN && kind != Kind.MONITOR) {
            throw new IllegalArgumentException("the name of a removed " + kind.value() + " stays taken");
        }
        jdbc.update("DELETE FROM usernames WHERE name = ? AND principal_kind = ?", name, kind.value());
    }

    /**
     * Names that more than one principal holds, in order. Only a catalog older than V21 can have them, which the
     * migration upgraded without refusing (see {@code V21__usernames.sql}); {@code vaultgate doctor} lists them.
     */
    public List<String> shared(Jdbc jdbc) throws SQLException {
        return jdbc.query("SELECT name FROM (SELECT username AS name FROM accounts UNION ALL SELECT username AS name "
                + "FROM operators UNION ALL SELECT name FROM admins) names GROUP BY name HAVING COUNT(*) > 1 "
                + "ORDER BY name", row -> row.getString(1));
    }
}
