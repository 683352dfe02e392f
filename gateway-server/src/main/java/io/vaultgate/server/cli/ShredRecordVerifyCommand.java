package io.vaultgate.server.cli;

import io.vaultgate.core.audit.AuditPublicKey;
import io.vaultgate.core.audit.ShreddingRecords;
import io.vaultgate.crypto.shred.ShreddingRecord;
import io.vaultgate.crypto.shred.SignedShreddingRecord;
import io.vaultgate.server.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vaultgate tenant verify-shred RECORD [--key PEM]}: checks a shredding record offline. */
@Command(name = "verify-shred", mixinStandardHelpOptions = true, description = {
        "Check a shredding record (written by `vaultgate tenant shred`) with the gateway's audit public key.",
        "Exit code 0 if valid, 1 if forged, altered, malformed or signed by another key."})
final class ShredRecordVerifyCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Parameters(paramLabel = "RECORD", description = "A file holding the record.")
    Path recordFile;

    @Mixin
    AuditKeyOption key;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    ShredRecordVerifyCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws IOException {
        AuditPublicKey trusted = key.trusted(global, env);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SignedShreddingRecord signed;
        try {
            signed = SignedShreddingRecord.parse(Files.readString(recordFile, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
            err.println("INVALID shredding record: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        if (!ShreddingRecords.verify(signed, trusted)) {
            err.println("INVALID shredding record: the signature does not verify with key " + trusted.keyId());
            return ExitCodes.FAILURE;
        }
        ShreddingRecord record = signed.record();
        out.println("VALID shredding record, signed by key " + trusted.keyId());
        out.println("kind:     " + record.kind());
        out.println("tenant:   " + record.tenantId());
        out.println("provider: " + record.provider());
        out.println("keys:     " + (record.keyIds().isEmpty() ? "none (destroyed earlier)"
                : String.join(",", record.keyIds())));
        out.println("at:       " + record.at());
        out.println("actor:    " + record.actor());
        out.println("digest:   " + ShreddingRecords.digest(signed));
        return ExitCodes.OK;
    }
}
