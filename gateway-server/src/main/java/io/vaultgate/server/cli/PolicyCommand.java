package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.policy.DataPolicy;
import io.vaultgate.core.policy.Policies;
import io.vaultgate.core.policy.PolicyAck;
import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vaultgate policy publish|show|ack}: tenants' data-handling policies and operators' acknowledgements. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Publish a tenant's data-handling policy; record operators' acknowledgements.",
        subcommands = {PolicyCommand.Publish.class, PolicyCommand.Show.class, PolicyCommand.Ack.class})
public final class PolicyCommand {

    @Command(name = "publish", mixinStandardHelpOptions = true, description = {
            "Publish FILE (UTF-8 text, at most 256 KiB) as the tenant's next policy version.",
            "Every operator must acknowledge it before its next claim or download of the tenant's data."})
    static final class Publish extends CoreTask {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT",
                description = "The tenant whose policy it is.")
        String tenant;

        @Parameters(paramLabel = "FILE", description = "The policy text.")
        Path file;

        Publish(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            DataPolicy policy = Actor.policies(core).publish(TenantId.of(tenant), readText(file));
            out.println("Published data-handling policy v" + policy.version() + " of tenant " + tenant + " (sha256 "
                    + policy.sha256() + "); operators must acknowledge it before their next claim or download");
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print a tenant's current policy (or --policy-version N) and who acknowledged it.")
    static final class Show extends CoreTask {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT",
                description = "The tenant whose policy to print.")
        String tenant;

        @Option(names = "--policy-version", paramLabel = "N", description = "An earlier version (default: the current one).")
        Integer version;

        Show(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            TenantId id = TenantId.of(tenant);
            Policies policies = core.policies();
            DataPolicy current = policies.current(id).orElseThrow(() -> new IllegalArgumentException(
                    "tenant " + tenant + " has not published a data-handling policy; use `vaultgate policy publish`"));
            DataPolicy shown = version == null ? current : policies.history(id).stream()
                    .filter(p -> p.version() == version).findFirst().orElseThrow(() -> new IllegalArgumentException(
                            "tenant " + tenant + " has no policy v" + version + " (current: v" + current.version() + ")"));
            out.println("tenant:       " + tenant);
            out.println("version:      " + shown.version() + (shown.version() == current.version() ? " (current)" : ""));
            out.println("sha256:       " + shown.sha256());
            out.println("published:    " + shown.publishedAt() + " by " + shown.publishedBy());
            for (PolicyAck ack : policies.acknowledgements(id)) {
                if (ack.version() == shown.version()) {
                    out.println("acknowledged: " + ack.operator() + " at " + ack.acknowledgedAt()
                            + (ack.recordedBy().equals(ack.operator()) ? "" : " (recorded by " + ack.recordedBy() + ")"));
                }
            }
            out.println();
            out.print(shown.text());
            if (!shown.text().endsWith("\n")) {
                out.println();
            }
            return 0;
        }
    }

    @Command(name = "ack", mixinStandardHelpOptions = true, description = {
            "Record that an operator acknowledged the tenant's current policy (for example on paper).",
            "Operators can also acknowledge it themselves: POST /v1/operator/tenants/{tenant}/policy/ack."})
    static final class Ack extends CoreTask {
        @Option(names = "--operator", required = true, paramLabel = "NAME",
                description = "The operator who acknowledged it (its login name).")
        String operator;

        @Option(names = "--tenant", required = true, paramLabel = "TENANT",
                description = "The tenant whose policy the operator acknowledged.")
        String tenant;

        @Option(names = "--policy-version", paramLabel = "N",
                description = "The version the operator read; refused if it is not the current one.")
        Integer version;

        Ack(Map<String, String> env) {
            super(env);
        }

        @Override
        int run(GatewayCore core, PrintWriter out) {
            PolicyAck ack = Actor.policies(core).acknowledgeFor(operator, TenantId.of(tenant),
                    version == null ? OptionalInt.empty() : OptionalInt.of(version));
            out.println("Operator " + ack.operator() + " acknowledged policy v" + ack.version() + " of tenant " + tenant
                    + " at " + ack.acknowledgedAt());
            return 0;
        }
    }

    /** Reads a policy file as strict UTF-8, refusing one larger than the limit before reading it. */
    static String readText(Path file) {
        try {
            long size = Files.size(file);
            if (size > Policies.MAX_BYTES) {
                throw new IllegalArgumentException(file + ": " + size + " bytes; a policy may have at most "
                        + Policies.MAX_BYTES);
            }
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the policy file", e);
        }
    }
}
