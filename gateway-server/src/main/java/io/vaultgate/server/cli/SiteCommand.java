package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.SiteRemoval;
import io.vaultgate.core.catalog.OperatorRepository.OperatorRow;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.site.Site;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.config.DataSize;
import io.vaultgate.crypto.seal.SitePublicKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vaultgate site add|list|show|set|route|routes|unroute|seal|remove}: BPO sites, the networks their operators
 * log in from, and the routes that feed them.
 */
@Command(name = "site", mixinStandardHelpOptions = true, description = "Manage BPO processing sites and routes.",
        subcommands = {SiteCommand.Add.class, SiteCommand.ListAll.class, SiteCommand.Show.class, SiteCommand.Set.class,
                SiteCommand.AddRoute.class, SiteCommand.Routes.class, SiteCommand.RemoveRoute.class,
                SiteCommand.Seal.class, SiteCommand.Remove.class})
public final class SiteCommand {

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Register a BPO processing site.")
    static final class Add extends CoreTask {
        @Parameters(paramLabel = "ID", description = "Site id: 2-63 of a-z, 0-9 and '-'.")
        String id;

        @Option(names = "--name", description = "Display name (default: the id).")
        String name;

        @Option(names = "--sealed-recipient-key", paramLabel = "FILE", description = "The site's X25519 public key "
                + "(PEM, from `vaultgate receive --sealed-key`): files are forwarded as their encrypted envelope "
                + "with the data key sealed to it, so only the site can read them.")
        Path recipientKey;

        Add(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            Optional<SitePublicKey> key = recipientKey == null ? Optional.empty()
                    : Optional.of(Seal.read(recipientKey));
            Actor.sites(core).createSite(id, name == null ? id : name, key);
            out.println("Created site " + id + key.map(k -> " (sealed forwarding to " + k.toBase64() + ")").orElse(""));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the sites (removed ones are not).")
    static final class ListAll extends CoreTask {
        ListAll(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            out.printf("%-24s %-8s %-32s %s%n", "ID", "SEALED", "OPERATOR SOURCES", "NAME");
            for (Site site : core.sites().sites()) {
                out.printf("%-24s %-8s %-32s %s%n", site.id(), site.recipientKey().isPresent() ? "yes" : "no",
                        sources(site), site.name());
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one site and its operators.")
    static final class Show extends CoreTask {
        @Parameters(paramLabel = "ID", description = "The site to show.")
        String id;

        Show(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            Site site = existingSite(core, id);
            out.println("id:               " + site.id());
            out.println("name:             " + site.name());
            out.println("created:          " + site.createdAt());
            out.println("sealed to:        " + site.recipientKey().map(key -> "X25519 key " + key)
                    .orElse("none (plaintext over mutual TLS)"));
            out.println("operator sources: " + sources(site));
            out.println("operators:");
            for (OperatorRow operator : core.incidents().offboarding().operators(Optional.of(site.id()))) {
                out.println("  " + operator.username());
            }
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Change the networks a site's operators may log in from. An operator logging in from "
                    + "elsewhere (SSH key, API token, the token exchange) is refused as a client outside its "
                    + "tenant's allowlist is. Each change is recorded in the audit log (SITE_UPDATED).",
                    "Example: vaultgate site set manila --allow-sources 203.0.113.0/24,2001:db8::/32",
                    "Example: vaultgate site set manila --allow-sources \"\""})
    static final class Set extends CoreTask {
        @Parameters(paramLabel = "ID", description = "The site to change.")
        String id;

        @Option(names = "--allow-sources", required = true, paramLabel = "CIDR[,CIDR...]",
                description = "Networks the site's operators may log in from, e.g. 203.0.113.0/24,2001:db8::/32; "
                        + "\"\" allows any address.")
        String allowSources;

        Set(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            existingSite(core, id);
            // parsed before anything changes, so a bad network leaves the site as it was
            List<Cidr> allowed = Arrays.stream(allowSources.split(",")).filter(cidr -> !cidr.isBlank())
                    .map(Cidr::parse).toList();
            boolean changed = Actor.sites(core).setAllowedSources(id, allowed);
            out.println("Updated site " + id + (changed ? "" : " (unchanged)"));
            out.println("  operator sources: " + (allowed.isEmpty() ? "any" : allowed.toString()));
            return 0;
        }
    }

    static Site existingSite(GatewayCore core, String id) {
        return core.sites().site(id).orElseThrow(
                () -> new IllegalArgumentException("no site " + id + "; see `vaultgate site list`"));
    }

    private static String sources(Site site) {
        return site.allowedSources().isEmpty() ? "any" : site.allowedSources().stream().map(Cidr::toString)
                .collect(java.util.stream.Collectors.joining(","));
    }

    @Command(name = "seal", mixinStandardHelpOptions = true,
            description = {"Turn sealed forwarding on or off for a site. Sealed: each file is sent as its stored "
                    + "encrypted envelope with its data key sealed to the site's X25519 key; the gateway decrypts "
                    + "nothing on the way and only the site can read it. Each change is recorded in the audit log "
                    + "(SITE_UPDATED, naming the new and the previous key).",
                    "Example: vaultgate site seal manila --recipient-key manila-site.pub"})
    static final class Seal extends CoreTask {
        @Parameters(paramLabel = "SITE", description = "The site's id.")
        String id;

        @Option(names = "--recipient-key", paramLabel = "FILE", description = "PEM X25519 public key of the site.")
        Path recipientKey;

        @Option(names = "--off", description = "Send plaintext over mutual TLS again.")
        boolean off;

        Seal(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            if (off == (recipientKey != null)) {
                throw new IllegalArgumentException("give either --recipient-key FILE or --off");
            }
            Optional<SitePublicKey> key = off ? Optional.empty() : Optional.of(read(recipientKey));
            boolean changed = Actor.sites(core).setRecipientKey(id, key);
            out.println("Site " + id + key.map(k -> " receives sealed envelopes for key " + k.toBase64())
                    .orElse(" receives plaintext over mutual TLS") + (changed ? "" : " (unchanged)"));
            return 0;
        }

        static SitePublicKey read(Path file) {
            try {
                return SitePublicKey.read(file);
            } catch (java.io.IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("--recipient-key " + file + ": " + e.getMessage()
                        + "; give the site's PEM X25519 public key (`vaultgate receive --sealed-key` writes it)");
            }
        }
    }

    @Command(name = "route", mixinStandardHelpOptions = true,
            description = {"Route a tenant's uploads to a site. In pull mode they are grouped into batches that the "
                    + "site's operators claim; a batch becomes ready at --max-files or --max-bytes, after "
                    + "--idle-close without new files, or when a file named *.ready arrives.",
                    "Example: vaultgate site route --tenant acme --site manila --max-files 100 --idle-close 15m"})
    static final class AddRoute extends CoreTask {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT",
                description = "The tenant whose uploads are routed.")
        String tenant;

        @Option(names = "--site", required = true, paramLabel = "SITE", description = "The site that receives them "
                + "(see `vaultgate site add`).")
        String site;

        @Option(names = "--mode", defaultValue = "pull", description = "pull (operators claim batches) or push "
                + "(forwarded to the site over mutual TLS; see `vaultgate forward configure`). Default: pull.")
        String mode;

        @Option(names = "--prefix", defaultValue = "/inbox", description = "Only files below this path (default /inbox).")
        String prefix;

        @Option(names = "--max-files", defaultValue = "0", description = "Files per batch; 0 = no limit.")
        long maxFiles;

        @Option(names = "--max-bytes", defaultValue = "0", description = "Bytes per batch, e.g. 10GiB; 0 = no limit.")
        String maxBytes;

        @Option(names = "--idle-close", defaultValue = "0s", description = "Close a batch idle this long, e.g. 15m; "
                + "0s = never.")
        String idleClose;

        AddRoute(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            RouteMode routeMode;
            try {
                routeMode = RouteMode.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--mode " + mode + ": use pull or push");
            }
            Route route = Actor.sites(core).addRoute(TenantId.of(tenant), site, routeMode, PathPolicy.parse(prefix),
                    maxFiles, DataSize.parse(maxBytes).bytes(), Durations.parseBounded("--idle-close", idleClose));
            out.println("Created route " + route.id() + ": " + route.tenant() + route.pathPrefix() + " -> " + site
                    + " (" + mode + ")");
            return 0;
        }
    }

    @Command(name = "routes", mixinStandardHelpOptions = true, description = "List a tenant's routes to sites.")
    static final class Routes extends CoreTask {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "The tenant whose routes "
                + "are listed.")
        String tenant;

        Routes(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            for (Route route : core.sites().routes(existingTenant(core, tenant))) {
                out.println(route.id() + "  " + route.pathPrefix() + " -> " + route.siteId() + "  "
                        + route.mode().name().toLowerCase(java.util.Locale.ROOT) + "  max-files=" + route.maxFiles()
                        + " max-bytes=" + route.maxBytes() + " idle-close=" + route.idleClose().toSeconds() + "s");
            }
            return 0;
        }
    }

    @Command(name = "unroute", mixinStandardHelpOptions = true, description = {
            "Remove a route: files committed from now on are not routed by it. Its open batch becomes ready for the "
                    + "site's operators; forwards already queued on a push route are still delivered.",
            "Example: vaultgate site unroute --tenant acme rt_0123456789abcdef01234567"})
    static final class RemoveRoute extends CoreTask {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "The tenant the route "
                + "belongs to.")
        String tenant;

        @Parameters(paramLabel = "ROUTE", description = "The route's id (see `vaultgate site routes`).")
        String routeId;

        RemoveRoute(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            Route route = Actor.sites(core).removeRoute(TenantId.of(tenant), routeId);
            out.println("Removed route " + route.id() + ": " + route.tenant() + route.pathPrefix() + " no longer goes to "
                    + route.siteId());
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = {
            "Remove a site for good, once nothing is left for it: no tenant routes to it, every batch is completed "
                    + "and every forward settled (otherwise it names what is left and changes nothing). Its operators "
                    + "are removed as by `vaultgate operator remove`; nothing is sent to it again; its id is never "
                    + "reused. Recorded in the audit log.",
            "A site that will never finish its work (out of business, contract lost): --abandon-work abandons its "
                    + "batches not completed and forwards not delivered (each audited; tenants see them abandoned, "
                    + "their files stay stored). Tenants' routes to it must still be moved or removed first.",
            "The forwards are abandoned 1000 at a time, each page committed on its own. Without --abandon-work the "
                    + "site is removed first and its dead forwards abandoned after, so a refusal changes nothing; with "
                    + "it the site is removed only at the end. If the command is cut off, run it again to finish. It "
                    + "prints how many batches and forwards it abandoned and the ids of the first 100 of each.",
            "Run again while an earlier run's pages still make progress (a page in the last 2 minutes), it changes "
                    + "nothing and names that run's progress; it takes the rest over from a run with no page for 2 "
                    + "minutes (its process killed) or one that failed.",
            "Example: vaultgate site remove manila --reason \"contract ended\"",
            "Example: vaultgate site remove manila --reason \"went out of business\" --abandon-work"})
    static final class Remove extends CoreTask {
        @Parameters(paramLabel = "ID", description = "The site's id.")
        String id;

        @Option(names = "--reason", required = true, description = "Why (recorded in the audit log).")
        String reason;

        @Option(names = "--abandon-work", description = "Abandon the site's unfinished batches and forwards instead "
                + "of refusing; a send already on the wire may still reach the site.")
        boolean abandonWork;

        Remove(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            SiteRemoval.RemovedSite removed = core.incidents().siteRemoval().removeSite(id, reason, Actor.current(),
                    abandonWork ? SiteRemoval.UnfinishedWork.ABANDON : SiteRemoval.UnfinishedWork.REFUSE);
            out.println("Removed site " + removed.siteId() + (removed.operatorsRemoved().isEmpty() ? ""
                    : " and its operators " + String.join(", ", removed.operatorsRemoved()))
                    + "; their live sessions end on every node within 2 s");
            if (abandonWork || removed.forwardsAbandonedCount() > 0) {
                out.println("Abandoned " + removed.batchesAbandonedCount() + " batch(es) and "
                        + removed.forwardsAbandonedCount() + " forward(s); the tenants' files stay stored "
                        + "(vaultgate forward list --state abandoned)");
            }
            if (!removed.batchesAbandoned().isEmpty()) {
                out.println("Batches abandoned" + (removed.moreBatchesAbandoned() ? " (the first "
                        + removed.batchesAbandoned().size() + " of " + removed.batchesAbandonedCount()
                        + "; every one is in the audit log as batch.abandoned)" : "") + ": "
                        + String.join(" ", removed.batchesAbandoned()));
            }
            if (!removed.forwardsAbandoned().isEmpty()) {
                out.println("Forward jobs abandoned" + (removed.moreForwardsAbandoned() ? " (the first "
                        + removed.forwardsAbandoned().size() + " of " + removed.forwardsAbandonedCount()
                        + "; every one is in the audit log as forward.abandoned)" : "") + ": "
                        + String.join(" ", removed.forwardsAbandoned()));
            }
            return 0;
        }
    }
}
