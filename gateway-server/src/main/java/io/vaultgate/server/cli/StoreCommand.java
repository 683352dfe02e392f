package io.vaultgate.server.cli;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.CatalogAuditLog;
import io.vaultgate.core.audit.CheckpointPolicy;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.node.CatalogClock;
import io.vaultgate.core.storage.StoreAdoption;
import io.vaultgate.core.storage.StoreNotRecognized;
import io.vaultgate.server.CatalogDatabase;
import io.vaultgate.server.ExitCodes;
import io.vaultgate.server.ObjectStores;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vaultgate store ...}: the object store's identity (docs/operations.md, "Store identity"). */
@Command(name = "store", mixinStandardHelpOptions = true,
        description = "The object store's identity: which store the catalog's objects are in.",
        subcommands = {StoreCommand.Adopt.class})
public final class StoreCommand {

    @Command(name = "adopt", mixinStandardHelpOptions = true, description = {
            "Record the store the configuration names (storage.path, or the S3 bucket and prefix) as the catalog's: "
                    + "for a store restored or copied without its marker, or moved. Stop every node first: it refuses "
                    + "while a node's heartbeat is fresh (within catalog.node-dead-after) or a start has recorded a "
                    + "store id it has not confirmed yet (under 60 s ago). The store must hold "
                    + "more than half of the objects of the catalog's files committed last, as at start; its marker "
                    + "is kept, or written if it has none. Audited.",
            "Example: vaultgate store adopt --confirm"})
    static final class Adopt implements Callable<Integer> {

        private final Map<String, String> env;

        @Option(names = "--confirm", description = "Do it (without it, nothing is changed).")
        boolean confirm;

        @Mixin
        GlobalOptions global;

        @Spec
        CommandSpec spec;

        Adopt(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            VaultgateConfig config = global.load(env);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!confirm) {
                err.println("vaultgate: store adopt records the store the configuration names as the catalog's "
                        + "(its objects are then served, and objects the catalog does not name are swept there); "
                        + "stop every node, check the configuration, and run it again with --confirm");
                return ExitCodes.FAILURE;
            }
            try (Database database = CatalogDatabase.openExisting(config, env)) {
                StoreAdoption.Adopted adopted = adopt(config, env, database,
                        io.vaultgate.server.Vaultgate.clock(spec).host());
                if (adopted.alreadyRecorded()) {
                    out.println("The catalog already records store " + adopted.id() + "; nothing changed");
                } else {
                    out.println("Adopted store " + adopted.id() + (adopted.markerWritten() ? " (marker written)"
                            : " (its marker kept)") + adopted.replaced().map(old -> "; the catalog recorded "
                            + old + " before").orElse("") + "; start the gateway");
                }
                return ExitCodes.OK;
            } catch (StoreNotRecognized e) {
                err.println("vaultgate: not adopted: " + e.problem() + "; " + e.fix());
                return ExitCodes.FAILURE;
            } catch (IOException e) {
                throw new UncheckedIOException("the store could not be adopted: " + e.getMessage(), e);
            }
        }

        /**
         * Adopts the store on the catalog's time, as every admin command runs ({@link CatalogClock#measured}): the
         * audit event, the checkpoint ages its log compares and the catalog's row are dated as the nodes date theirs,
         * whatever this host's clock ({@code host}) says (it wrote them on the host's own clock).
         */
        static StoreAdoption.Adopted adopt(VaultgateConfig config, Map<String, String> env, Database database,
                                           Clock host) throws IOException {
            Clock clock = CatalogClock.measured(host, database);
            CatalogAuditLog audit = new CatalogAuditLog(database, AuditKeys.load(AuditCommand.signingKeyFile(config)),
                    CheckpointPolicy.defaults(), new SecureRandom(), clock);
            return ObjectStores.adopt(config, env, database, audit, clock, Actor.current());
        }
    }
}
