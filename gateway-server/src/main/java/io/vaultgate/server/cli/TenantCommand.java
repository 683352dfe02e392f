package io.vaultgate.server.cli;

import io.vaultgate.core.admin.Administration;
import io.vaultgate.core.admin.NewTenant;
import io.vaultgate.core.admin.TenantSettings;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.server.config.DataSize;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vaultgate tenant add|list|show|set|shred|verify-shred}. */
@Command(name = "tenant", mixinStandardHelpOptions = true, description = "Manage tenants (client companies).",
        subcommands = {TenantCommand.Add.class, TenantCommand.ListAll.class, TenantCommand.Show.class,
                TenantCommand.Set.class, TenantShredCommand.class, ShredRecordVerifyCommand.class})
public final class TenantCommand {

    @Command(name = "add", mixinStandardHelpOptions = true, description = {"Create a tenant and its encryption key.",
            "For a tenant an older gateway left half-created (no recorded key), complete it instead: "
                    + "prints \"Completed tenant\" and the key versions recorded. A completion keeps the name and "
                    + "password login first recorded: --name or --allow-password stating others is refused, "
                    + "changing nothing; --max-file-size is applied."})
    static final class Add extends CoreTask {
        @Parameters(paramLabel = "ID", description = "Tenant id: 2-63 of a-z, 0-9 and '-'.")
        String id;

        @Option(names = "--name", description = "Display name (default: the id).")
        String name;

        @Option(names = "--allow-password", description = "Let this tenant's accounts log in with passwords.")
        boolean allowPassword;

        @Option(names = "--max-file-size", paramLabel = "SIZE",
                description = "Largest file its accounts may upload, e.g. 10GiB; 0 = no limit of its own (default).")
        String maxFileSize;

        @Option(names = "--new-key", description = {"For a tenant an older gateway left without a recorded key: "
                + "make its version 1 on this node, which holds no key of it.", "Only if no node holds a key of it "
                + "(its creation stopped before the key was made); refused while any of its files is stored."})
        boolean newKey;

        @Option(names = "--accept-fork", description = {"For a tenant an older gateway left without a recorded key: "
                + "record this node's key though some of the tenant's stored files it tries (up to 1000) do not "
                + "open with it.", "Those files stay unreadable: first run tenant add on the node that created the "
                + "tenant, whose key opens them all."})
        boolean acceptFork;

        Add(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            // every option is parsed before anything changes, and each one stated is applied or refused by name
            NewTenant request = NewTenant.of(TenantId.of(id)).withNewKey(newKey).withAcceptFork(acceptFork);
            if (name != null) {
                request = request.named(name, "--name");
            }
            if (allowPassword) {
                request = request.withPasswordLogin(true, "--allow-password");
            }
            if (maxFileSize != null) {
                request = request.withMaxFileBytes(DataSize.parse(maxFileSize).bytes());
            }
            out.println(Actor.administration(core).tenantCreation().addTenant(request).summary());
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Change a tenant's quota, maximum file size, retention, password login, or allowed and "
                    + "denied source networks.",
                    "Example: vaultgate tenant set acme --quota-bytes 500GiB --quota-files 100000 --max-file-size 10GiB "
                            + "--retention 30d",
                    "Example: vaultgate tenant set acme --allow-password --allow-sources 203.0.113.0/24"})
    static final class Set extends CoreTask {
        @Parameters(paramLabel = "ID", description = "The tenant to change.")
        String id;

        @Option(names = "--quota-bytes", paramLabel = "SIZE", description = "Storage limit, e.g. 500GiB; 0 = none.")
        String quotaBytes;

        @Option(names = "--quota-files", paramLabel = "N", description = "File count limit; 0 = none.")
        Long quotaFiles;

        @Option(names = "--max-file-size", paramLabel = "SIZE",
                description = "Largest file its accounts may upload, e.g. 10GiB; 0 = no limit of its own.")
        String maxFileSize;

        @Option(names = "--allow-sources", paramLabel = "CIDR[,CIDR...]",
                description = "Networks the tenant's logins may come from, e.g. 203.0.113.0/24,2001:db8::/32; "
                        + "\"\" allows any address.")
        String allowSources;

        @Option(names = "--deny-sources", paramLabel = "CIDR[,CIDR...]",
                description = "Networks the tenant's logins are refused from, even inside the allowed ones; "
                        + "\"\" clears the list.")
        String denySources;

        @ArgGroup(exclusive = true, multiplicity = "0..1")
        PasswordLogin passwordLogin;

        @Option(names = "--retention", paramLabel = "DURATION",
                description = "Shred committed files older than this, e.g. 30d; 0s = keep until deleted.")
        String retention;

        /** One of the two, or neither: both at once is a usage error (exit 2), as picocli reports it. */
        static final class PasswordLogin {
            @Option(names = "--allow-password", description = "Let the tenant's accounts log in with passwords "
                    + "(refused unless a tenant is told so).")
            boolean allow;

            @Option(names = "--refuse-password", description = "Refuse password logins from now on; live password "
                    + "sessions end on every node within 2 s. The accounts keep their passwords for a later "
                    + "--allow-password.")
            boolean refuse;
        }

        Set(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            TenantSettings settings = Actor.administration(core).tenantSettings();
            TenantId tenant = TenantId.of(id);
            Tenant current = settings.tenant(tenant).orElseThrow(
                    () -> new IllegalArgumentException("no tenant " + id + "; see `vaultgate tenant list`"));
            current.refuseIfShredded("changed");
            // every option is parsed before anything changes, so a bad one leaves the tenant as it was
            Optional<Quota> quota = quotaBytes == null && quotaFiles == null ? Optional.empty() : Optional.of(new Quota(
                    quotaBytes == null ? current.quota().maxBytes() : DataSize.parse(quotaBytes).bytes(),
                    quotaFiles == null ? current.quota().maxFiles() : quotaFiles));
            Optional<Long> maxFile = Optional.ofNullable(maxFileSize).map(size -> DataSize.parse(size).bytes());
            Optional<List<Cidr>> allowed = Optional.ofNullable(allowSources).map(Set::cidrs);
            Optional<List<Cidr>> denied = Optional.ofNullable(denySources).map(Set::cidrs);
            Optional<Duration> kept = Optional.ofNullable(retention).map(Set::retention);
            Optional<Boolean> passwords = Optional.ofNullable(passwordLogin).map(option -> option.allow);
            quota.ifPresent(q -> settings.setQuota(tenant, q));
            maxFile.ifPresent(bytes -> settings.setMaxFileSize(tenant, bytes));
            allowed.ifPresent(cidrs -> settings.setAllowedSources(tenant, cidrs));
            denied.ifPresent(cidrs -> core.incidents().deniedSources().replace(tenant, cidrs, Actor.current()));
            kept.ifPresent(duration -> settings.setRetention(tenant, duration));
            passwords.ifPresent(allow -> settings.setPasswordLogin(tenant, allow));
            out.println("Updated tenant " + id);
            passwords.ifPresent(allow -> out.println(allow ? "  password login: allowed"
                    : "  password login: refused; live password sessions end on every node within 2 s"));
            return 0;
        }

        private static List<Cidr> cidrs(String list) {
            return Arrays.stream(list.split(",")).filter(cidr -> !cidr.isBlank()).map(Cidr::parse).toList();
        }

        /** Bounded, as the retention job subtracts it from now, which must stay a date; 0s keeps files. */
        private static Duration retention(String text) {
            return Durations.parseBounded("--retention", text);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tenants.")
    static final class ListAll extends CoreTask {
        ListAll(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            out.printf("%-24s %-8s %-10s %s%n", "ID", "STATUS", "PASSWORDS", "NAME");
            for (Tenant tenant : core.administration().tenantSettings().tenants()) {
                out.printf("%-24s %-8s %-10s %s%n", tenant.id(), tenant.status(),
                        tenant.passwordLoginAllowed() ? "allowed" : "refused", tenant.name());
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one tenant and its accounts.")
    static final class Show extends CoreTask {
        @Parameters(paramLabel = "ID", description = "The tenant to show.")
        String id;

        Show(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            Administration admin = core.administration();
            Tenant tenant = admin.tenant(TenantId.of(id)).orElseThrow(
                    () -> new IllegalArgumentException("no tenant " + id + "; see `vaultgate tenant list`"));
            Function<Long, String> limit = value -> value == 0 ? "unlimited" : String.valueOf(value);
            out.println("id:              " + tenant.id());
            out.println("name:            " + tenant.name());
            out.println("status:          " + tenant.status());
            out.println("protocols:       " + tenant.protocols());
            out.println("password login:  " + (tenant.passwordLoginAllowed() ? "allowed"
                    : "refused (vaultgate tenant set " + tenant.id() + " --allow-password allows it)"));
            out.println("quota bytes:     " + limit.apply(tenant.quota().maxBytes()));
            out.println("quota files:     " + limit.apply(tenant.quota().maxFiles()));
            out.println("max file size:   " + limit.apply(tenant.maxFileSize()));
            out.println("retention:       " + (tenant.retention().isZero() ? "until deleted"
                    : tenant.retention().toHours() % 24 == 0 ? tenant.retention().toDays() + "d"
                    : tenant.retention().toHours() + "h"));
            out.println("allowed sources: " + (tenant.allowedSources().isEmpty() ? "any"
                    : tenant.allowedSources().toString()));
            java.util.List<io.vaultgate.core.tenant.Cidr> denied = core.incidents().deniedSources().list(tenant.id());
            out.println("denied sources:  " + (denied.isEmpty() ? "none" : denied.toString()));
            core.incidents().lockdown().lockdownOf(tenant.id()).ifPresent(lockdown -> out.println("lockdown:        "
                    + lockdown.at() + " by " + lockdown.actor() + ": " + lockdown.reason()));
            out.println("created:         " + tenant.createdAt());
            out.println("accounts:");
            for (Account account : admin.accounts(tenant.id())) {
                out.println("  " + account.username() + "  ssh keys: " + admin.sshKeyFingerprints(account.username()));
            }
            return 0;
        }
    }
}
