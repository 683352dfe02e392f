package io.vaultgate.server;

import io.vaultgate.core.catalog.Database;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the demo's tenant can still be logged into: {@code vaultgate demo} prints its client's credentials and keeps
 * them in {@code <home>/demo/}, so a data directory that served the demo and is then run for real use would let anyone
 * who saw them in. The demo tenant is tenant {@value DemoSetup#TENANT} holding the account {@value DemoSetup#ACCOUNT}
 * (as {@link DemoSetup} creates them); its credentials are live while the tenant is ACTIVE (not locked down, not
 * shredded) and one of its accounts, not expired, has an SSH key, a client certificate, a password or an API token
 * neither revoked nor expired.
 */
public final class DemoCredentials {

    private DemoCredentials() {
    }

    /**
     * One line per account of the demo tenant that can log in, e.g. {@code demo-client (1 SSH key, 1 API token)};
     * empty when there is no demo tenant or nobody can log into it.
     */
    public static List<String> live(Database database, Instant now) {
        long at = now.toEpochMilli();
        return database.read(jdbc -> {
            boolean demo = jdbc.count("SELECT COUNT(*) FROM tenants t JOIN accounts a ON a.tenant_id = t.id "
                    + "WHERE t.id = ? AND t.status = 'ACTIVE' AND a.username = ?", DemoSetup.TENANT,
                    DemoSetup.ACCOUNT) > 0;
            if (!demo) {
                return List.of();
            }
            List<String> live = new ArrayList<>();
            for (String[] account : jdbc.query("SELECT id, username, password_hash FROM accounts WHERE tenant_id = ? "
                    + "AND (expires_at IS NULL OR expires_at > ?) ORDER BY username", row -> new String[] {
                        row.getString(1), row.getString(2), row.getString(3)}, DemoSetup.TENANT, at)) {
                List<String> credentials = new ArrayList<>();
                counted(credentials, jdbc.count("SELECT COUNT(*) FROM account_ssh_keys WHERE account_id = ?",
                        account[0]), "SSH key");
                counted(credentials, jdbc.count("SELECT COUNT(*) FROM account_certificates WHERE account_id = ?",
                        account[0]), "client certificate");
                counted(credentials, account[2] == null ? 0 : 1, "password");
                counted(credentials, jdbc.count("SELECT COUNT(*) FROM api_tokens WHERE principal_kind = 'account' "
                        + "AND principal_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
                        account[0], at), "API token");
                if (!credentials.isEmpty()) {
                    live.add(account[1] + " (" + String.join(", ", credentials) + ")");
                }
            }
            return List.copyOf(live);
        });
    }

    private static void counted(List<String> credentials, long count, String what) {
        if (count > 0) {
            credentials.add(count + " " + what + (count == 1 ? "" : "s"));
        }
    }
}
