package io.vaultgate.server.cli;

import io.vaultgate.core.audit.AuditPublicKey;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.receipt.InvalidReceiptException;
import io.vaultgate.core.receipt.ReceiptVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vaultgate receipt verify}: checks an upload receipt offline. */
@Command(name = "receipt", mixinStandardHelpOptions = true,
        description = "Check the signed receipts the gateway gives for committed uploads.",
        subcommands = ReceiptCommand.Verify.class)
public final class ReceiptCommand {

    @Command(name = "verify", mixinStandardHelpOptions = true, description = {
            "Check a receipt (the vgr1.… text the gateway returned for an upload) with the gateway's audit public "
                    + "key, and optionally that a local file is the one the receipt describes.",
            "Exit code 0 if valid, 1 if forged, altered, signed by another key, or the file differs."})
    static final class Verify implements Callable<Integer> {
        private final Map<String, String> env;

        @Parameters(paramLabel = "RECEIPT", description = "A file holding the receipt text.")
        Path receiptFile;

        @Mixin
        AuditKeyOption key;

        @Option(names = "--data", paramLabel = "FILE",
                description = "Also check that this local file has the receipt's size and SHA-256.")
        Path data;

        @Mixin
        GlobalOptions global;

        @Spec
        CommandSpec spec;

        Verify(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() throws IOException {
            AuditPublicKey trusted = key.trusted(global, env);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Receipt receipt;
            try {
                receipt = new ReceiptVerifier(trusted).verify(Files.readString(receiptFile, StandardCharsets.UTF_8));
            } catch (InvalidReceiptException e) {
                err.println("INVALID receipt: " + e.getMessage());
                return 1;
            }
            out.println("VALID receipt, signed by key " + trusted.keyId());
            out.println("file:         " + receipt.fileId());
            out.println("tenant:       " + receipt.tenant());
            out.println("path:         " + receipt.path());
            out.println("size:         " + receipt.size());
            out.println("sha256:       " + receipt.sha256());
            out.println("committed at: " + receipt.committedAt());
            if (data != null) {
                String[] actual = sizeAndSha256(data);
                if (!actual[0].equals(String.valueOf(receipt.size())) || !actual[1].equals(receipt.sha256())) {
                    err.println("DIFFERENT file: " + data + " has size " + actual[0] + " and SHA-256 " + actual[1]);
                    return 1;
                }
                out.println("data:         " + data + " matches");
            }
            return 0;
        }

        private static String[] sizeAndSha256(Path file) throws IOException {
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
                long size = in.transferTo(java.io.OutputStream.nullOutputStream());
                return new String[] {String.valueOf(size),
                        HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest())};
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JDK", e);
            }
        }
    }
}
