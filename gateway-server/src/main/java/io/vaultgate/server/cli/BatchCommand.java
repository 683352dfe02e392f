package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.catalog.OperatorRepository.OperatorRow;
import io.vaultgate.core.tenant.TenantId;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vaultgate batch list|close}. */
@Command(name = "batch", mixinStandardHelpOptions = true, description = "Inspect and close batches.",
        subcommands = {BatchCommand.ListBatches.class, BatchCommand.Close.class})
public final class BatchCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = {"List a tenant's batches. CLAIMED BY "
            + "names the operator by login name (as `vaultgate operator list` does), with its id in parentheses (as "
            + "the admin API and the audit log give it)."})
    static final class ListBatches extends CoreTask {
        @Option(names = "--tenant", required = true, description = "The tenant whose batches to list.")
        String tenant;

        ListBatches(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            TenantId id = existingTenant(core, tenant);
            Map<String, String> names = core.incidents().offboarding().operators(Optional.empty()).stream()
                    .collect(Collectors.toMap(OperatorRow::id, OperatorRow::username));
            out.printf("%-20s %-10s %-12s %6s %12s %s%n", "ID", "STATE", "SITE", "FILES", "BYTES", "CLAIMED BY");
            for (Batch batch : core.batches().byTenant(id)) {
                out.printf("%-20s %-10s %-12s %6d %12d %s%n", batch.id(), batch.state(), batch.siteId(),
                        batch.fileCount(), batch.totalBytes(), batch.claimedBy().map(claimer(names)).orElse("-"));
            }
            return 0;
        }

        /**
         * An operator as {@code maria (op_…)}; one removed since (its name is not among the active operators) as
         * {@code op_… (removed operator)}.
         */
        static Function<String, String> claimer(Map<String, String> names) {
            return operatorId -> Optional.ofNullable(names.get(operatorId)).map(name -> name + " (" + operatorId + ")")
                    .orElse(operatorId + " (removed operator)");
        }
    }

    @Command(name = "close", mixinStandardHelpOptions = true, description = "Make an open batch ready now.")
    static final class Close extends CoreTask {
        @Parameters(paramLabel = "BATCH", description = "The batch id, as `batch list` shows it.")
        String batch;

        Close(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            out.println("Batch " + core.batches().close(batch, Actor.current()).id() + " is ready");
            return 0;
        }
    }
}
