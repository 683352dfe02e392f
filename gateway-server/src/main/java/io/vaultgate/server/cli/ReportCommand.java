package io.vaultgate.server.cli;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditPublicKey;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.audit.json.JsonException;
import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.core.report.ReportPeriod;
import io.vaultgate.core.report.SignedReport;
import io.vaultgate.core.report.TransparencyReports;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.StartupException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vaultgate report --tenant T --period YYYY-MM} writes a tenant's signed transparency report (JSON and
 * HTML, each with a detached Ed25519 signature); {@code vaultgate report verify FILE} checks one offline, with the
 * home's published audit public key or the one {@code --public-key} names. Generation reads the catalog and the
 * audit signing key only, never the master secret.
 */
@Command(name = "report", mixinStandardHelpOptions = true, description = {
        "Write a tenant's signed transparency report for one month: encryption and key versions, every operator "
                + "access, forwards and pinned site certificates, failed access, retention and shredding.",
        "Writes report-<tenant>-<period>.json and .html, each with a .sig (raw Ed25519 signature of the audit key)."},
        subcommands = ReportCommand.Verify.class)
public final class ReportCommand extends AuditCommand.StoreTask {

    @Option(names = "--tenant", paramLabel = "TENANT", description = "The tenant (required unless verifying).")
    String tenant;

    @Option(names = "--period", paramLabel = "YYYY-MM", description = "The month, UTC, e.g. 2026-11.")
    String period;

    @Option(names = "--out", paramLabel = "DIR", description = "Directory to write to (default: the current one).")
    Path outDir = Path.of(".");

    ReportCommand(Map<String, String> env) {
        super(env, AuditCommand.CATALOG);
    }

    @Override
    int run(AuditCommand.Store store, PrintWriter out, PrintWriter err) throws IOException {
        if (tenant == null || period == null) {
            throw new IllegalArgumentException("give --tenant TENANT and --period YYYY-MM (or use `report verify`)");
        }
        TenantId id = TenantId.of(tenant);
        ReportPeriod month = ReportPeriod.parse(period);
        AuditSigningKey key = signingKey(store.keyFile());
        SignedReport report;
        try (Progress progress = Progress.onTerminal("report " + tenant + " " + month, err)) {
            report = new TransparencyReports(store.database(), key, clock(store)).generate(id, month, progress);
        }
        Path json = outDir.resolve("report-" + tenant + "-" + month + ".json");
        Path html = outDir.resolve("report-" + tenant + "-" + month + ".html");
        write(json, report.json());
        write(signatureOf(json), report.jsonSignature());
        write(html, report.html());
        write(signatureOf(html), report.htmlSignature());
        out.println("wrote " + json + " and " + html + " (each with a .sig), signed by audit key " + key.keyId());
        return 0;
    }

    private static AuditSigningKey signingKey(Path keyFile) {
        try {
            return AuditKeys.load(keyFile);
        } catch (IOException e) {
            throw new StartupException("audit key " + keyFile, e.getMessage(),
                    "run the command as the gateway's user, which can read the audit signing key");
        }
    }

    private static void write(Path file, byte[] content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        Files.write(file, content);
    }

    static Path signatureOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".sig");
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = {
            "Check a report (the .json or the .html) offline against its .sig with the gateway's published audit "
                    + "public key. Exit code 0 if the signature is valid, 1 if not."})
    static final class Verify implements Callable<Integer> {
        private final Map<String, String> env;

        @Parameters(paramLabel = "FILE", description = "report-<tenant>-<period>.json or .html")
        Path file;

        @Option(names = "--public-key", paramLabel = "PEM",
                description = "The gateway's audit public key (PEM), as published by its operator (default: "
                        + "<home>/keys/audit-signing.pub).")
        Path publicKey;

        @Option(names = "--signature", paramLabel = "SIG", description = "The signature file (default: FILE.sig).")
        Path signature;

        /** Where the default key is: verifying needs no data directory when --public-key is given. */
        @picocli.CommandLine.Mixin
        GlobalOptions global;

        @Spec
        CommandSpec spec;

        Verify(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() throws IOException {
            AuditPublicKey key = AuditKeyOption.trusted(publicKey, "--public-key", global, env);
            byte[] content = Files.readAllBytes(file);
            byte[] sig = Files.readAllBytes(signature == null ? signatureOf(file) : signature);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!SignedReport.verify(content, sig, key)) {
                err.println("INVALID: " + file + " does not match its signature under key " + key.keyId()
                        + ": it was changed, or signed by another key");
                return 1;
            }
            if (file.getFileName().toString().endsWith(".json")) {
                try {
                    Map<String, Object> report = JsonReader.parseObject(new String(content, StandardCharsets.UTF_8));
                    if (!TransparencyReports.TYPE.equals(report.get("type")) || !key.keyId().equals(report.get("key"))) {
                        err.println("INVALID: " + file + " is signed but is not a transparency report of key "
                                + key.keyId());
                        return 1;
                    }
                    out.println("OK: transparency report of tenant " + ((Map<?, ?>) report.get("tenant")).get("id")
                            + " for " + ((Map<?, ?>) report.get("period")).get("month") + ", signed by " + key.keyId());
                    return 0;
                } catch (JsonException | ClassCastException e) {
                    err.println("INVALID: " + file + " is not a report: " + e.getMessage());
                    return 1;
                }
            }
            if (!SignedReport.isHtmlReport(content)) {
                err.println("INVALID: " + file + " is signed by audit key " + key.keyId() + " but is not a "
                        + "transparency report: a report is its .json or its .html, which starts with <!DOCTYPE html>");
                return 1;
            }
            out.println("OK: " + file + " is an HTML transparency report signed by audit key " + key.keyId());
            return 0;
        }
    }
}
