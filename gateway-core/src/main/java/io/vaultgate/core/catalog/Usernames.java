package io.vaultgate.core.catalog;

import java.sql.SQLException;

/**
 * Login names of accounts, operators and administrators share one namespace, so that a name in a command
 * ({@code vaultgate account revoke NAME}), a log line or an audit record stands for one principal. A removed
 * operator's name stays taken.
 */
public final class Usernames {

    public boolean isTaken(Jdbc jdbc, String name) throws SQLException {
        return jdbc.count("SELECT (SELECT COUNT(*) FROM accounts WHERE username = ?) + (SELECT COUNT(*) FROM "
                + "operators WHERE username = ?) + (SELECT COUNT(*) FROM admins WHERE name = ?)", name, name, name) > 0;
    }
}
