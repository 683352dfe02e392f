package io.vaultgate.server.cli;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditPublicKey;
import io.vaultgate.core.audit.AuditVerifier;
import io.vaultgate.core.audit.ChainAnchor;
import io.vaultgate.core.audit.Checkpoint;
import io.vaultgate.core.audit.CheckpointLine;
import io.vaultgate.core.audit.VerificationReport;
import io.vaultgate.server.StartupException;
import io.vaultgate.server.cli.AuditCommand.Source;
import io.vaultgate.server.cli.AuditCommand.Store;
import io.vaultgate.server.cli.AuditCommand.StoreTask;
import io.vaultgate.server.config.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vaultgate audit verify} and {@code vaultgate audit head}: the chain checked in the catalog, against anchors
 * kept outside it, and the newest signed checkpoint printed as such an anchor (docs/audit-anchors.md).
 */
final class AuditChainCommands {

    private AuditChainCommands() {
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = {
            "Check the whole audit chain: sequence, hash links, content, indexed columns and signed checkpoints.",
            "Names the first bad record and why (changed, deleted, inserted, reordered, truncated, forged checkpoint). "
                    + "A log rolled back to an older state (its end cut off with the checkpoints covering it, or an old "
                    + "backup restored) is consistent in itself: give anchors kept outside the catalog (--anchor) to "
                    + "catch it. Exit code 0 if intact, 1 if not."})
    static final class Verify extends StoreTask {
        @Option(names = "--key", paramLabel = "PUBLIC_KEY_PEM",
                description = "The audit public key to trust (default: <home>/keys/audit-signing.pub). Give your own "
                        + "copy of the published key: someone who can rewrite the catalog can replace that file too.")
        Path key;

        @Option(names = "--anchor", paramLabel = "SEQ:HASH", description = "A checkpoint kept outside the catalog: the "
                + "anchor=SEQ:HASH of a logged `audit checkpoint` line, or what `vaultgate audit head` printed. The chain "
                + "must still hold record SEQ with that hash (ROLLED_BACK otherwise). Repeatable.")
        List<String> anchors = new ArrayList<>();

        @Option(names = "--anchors-from", paramLabel = "FILE", description = "Read anchors from a file: the shipped "
                + "`audit checkpoint` log lines in it whose signature verifies with the audit public key, and lines "
                + "that are just SEQ:HASH (a list you keep). Other lines (look-alikes a client wrote into the log, lines "
                + "of older versions, which carry no signature) are skipped and counted; fails if none is left.")
        Path anchorFile;

        @Option(names = "--max-checkpoint-age", paramLabel = "DURATION", description = "Fail (STALE) if the newest "
                + "signed checkpoint is older than this, e.g. 15m: a running gateway renews it every checkpoint "
                + "interval (5 minutes), so an older one means it stopped signing, or this is an old copy of the log.")
        String maxCheckpointAge;

        @Option(names = "--no-signatures", description = "Check the chain without the audit public key: hash links "
                + "and content only, the checkpoints' signatures unchecked (a forger who can write the catalog passes). "
                + "Without it, a missing key is an error.")
        boolean noSignatures;

        Verify(Map<String, String> env) {
            this(env, AuditCommand.CATALOG);
        }

        Verify(Map<String, String> env, Source source) {
            super(env, source);
        }

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) throws IOException {
            Optional<AuditPublicKey> trusted = key != null ? Optional.of(AuditKeys.readPublicKey(key))
                    : store.publicKey();
            Optional<Duration> maxAge = Optional.ofNullable(maxCheckpointAge).map(Durations::parse);
            if (trusted.isEmpty() && !noSignatures) {
                throw new StartupException("audit key " + AuditKeys.publicKeyFile(store.keyFile()), "missing: without "
                        + "it the checkpoints' signatures cannot be checked", "give the published audit public key with "
                        + "--key, or --no-signatures to check the hash links only");
            }
            if (maxAge.isPresent() && trusted.isEmpty()) {
                throw new StartupException("audit key", "--max-checkpoint-age needs the public key to trust a "
                        + "checkpoint's time", "give the published audit public key with --key");
            }
            List<ChainAnchor> anchors = new ArrayList<>();
            for (String anchor : this.anchors) {
                anchors.add(ChainAnchor.parse(anchor));
            }
            if (anchorFile != null) {
                if (trusted.isEmpty()) {
                    throw new StartupException("audit key", "--anchors-from needs the public key to tell the "
                            + "gateway's checkpoint lines from look-alikes", "give the published audit public key with --key");
                }
                // decoded leniently: a byte that is not UTF-8 must not keep the genuine lines from being read
                CheckpointLine.Anchors read = CheckpointLine.read(new String(Files.readAllBytes(anchorFile),
                        StandardCharsets.UTF_8).lines().toList(), trusted.get());
                String summary = read.summary(anchorFile.toString());
                if (read.anchors().isEmpty()) {
                    err.println("FAILED: no anchor in " + anchorFile + " verifies with key " + trusted.get().keyId()
                            + " (" + summary + ")");
                    return 1;
                }
                out.println(read.skipped().isEmpty() ? summary : "WARNING: " + summary);
                anchors.addAll(read.anchors());
            }
            // the newest checkpoint's age on the catalog's time: a node signed it on that time
            VerificationReport report = new AuditVerifier(store.database(), trusted, clock(store))
                    .verify(anchors, maxAge);
            trusted.ifPresent(k -> out.println("key: " + k.keyId()));
            (report.ok() ? out : err).println(report.summary());
            out.println(report.freshness());
            return report.ok() ? 0 : 1;
        }
    }

    @Command(name = "head", mixinStandardHelpOptions = true, description = {
            "Print the newest signed checkpoint as an anchor (SEQ:HASH), to keep somewhere the catalog's "
                    + "administrators cannot rewrite (a write-once store, a ticket, a tenant's mailbox) and give "
                    + "back later to `vaultgate audit verify --anchor`.",
            "Its signature is checked with the public key; run `vaultgate audit verify` first to know the chain "
                    + "up to it is intact. Kept outputs can be given back with --anchors-from. Exit code 1 if there is "
                    + "no valid checkpoint."})
    static final class Head extends StoreTask {
        @Option(names = "--key", paramLabel = "PUBLIC_KEY_PEM",
                description = "The audit public key to trust (default: <home>/keys/audit-signing.pub).")
        Path key;

        Head(Map<String, String> env) {
            this(env, AuditCommand.CATALOG);
        }

        Head(Map<String, String> env, Source source) {
            super(env, source);
        }

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) throws IOException {
            AuditPublicKey trusted = AuditCommand.publicKey(key, store);
            Optional<Checkpoint> newest = new AuditVerifier(store.database(),
                    Optional.of(trusted), clock(store)).newestCheckpoint();
            if (newest.isEmpty() || !newest.get().verifies(trusted)) {
                err.println(newest.isEmpty() ? "no checkpoint has been signed yet"
                        : "the newest checkpoint (record " + newest.get().seq() + ") does not verify with key "
                        + trusted.keyId() + ": run `vaultgate audit verify`");
                return 1;
            }
            out.println("anchor: " + ChainAnchor.of(newest.get()));
            out.println("signed_at: " + newest.get().signedAt());
            out.println("key: " + newest.get().keyId());
            return 0;
        }
    }
}
