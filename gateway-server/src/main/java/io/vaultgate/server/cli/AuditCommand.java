package io.vaultgate.server.cli;

import io.vaultgate.core.audit.AuditExporter;
import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditPublicKey;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.audit.CatalogAuditLog;
import io.vaultgate.core.audit.CheckpointPolicy;
import io.vaultgate.core.audit.ExportFilter;
import io.vaultgate.core.audit.ExportReport;
import io.vaultgate.core.audit.ExportVerifier;
import io.vaultgate.core.audit.TenantTagKey;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.CatalogDatabase;
import io.vaultgate.server.StartupException;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vaultgate audit verify|head|export|verify-export|public-key|tenant-key} (verify and head in {@link
 * AuditChainCommands}). The commands read the catalog and the
 * audit key files directly; they never need the master secret, so an auditor can run them. The
 * composition root may hand them another {@link Source} (for example the running core's database).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Check the hash-chained audit log, export it for a tenant, verify an export offline.",
        subcommands = {AuditChainCommands.Verify.class, AuditChainCommands.Head.class, AuditCommand.Export.class,
                AuditCommand.VerifyExport.class, AuditCommand.PublicKey.class, AuditCommand.TenantKey.class})
public final class AuditCommand {

    /** The audit signing key under the data directory; its public half is beside it as {@code .pub}. */
    public static Path signingKeyFile(VaultgateConfig config) {
        return new io.vaultgate.server.DataDirectory(config).auditSigningKey();
    }

    /** The seam: opens what the commands need from a data directory (and the environment, for secrets). */
    @FunctionalInterface
    public interface Source {
        Store open(VaultgateConfig config, Map<String, String> env);
    }

    /** The catalog database and the audit key of one data directory; closing it closes the catalog. */
    public record Store(Database database, Path keyFile) implements AutoCloseable {

        @Override
        public void close() {
            database.close();
        }

        /** The published public key, if the gateway has created its audit key. */
        Optional<AuditPublicKey> publicKey() {
            Path file = AuditKeys.publicKeyFile(keyFile);
            try {
                return Files.exists(file) ? Optional.of(AuditKeys.readPublicKey(file)) : Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The audit log with its signing key, if this process may read it (to sign checkpoints on {@code clock}). */
        Optional<CatalogAuditLog> log(Clock clock) {
            return signingKey().map(signer -> new CatalogAuditLog(database, signer, CheckpointPolicy.defaults(),
                    new SecureRandom(), clock));
        }

        /** The audit signing key, if this process may read it. */
        Optional<AuditSigningKey> signingKey() {
            if (!Files.isReadable(keyFile)) {
                return Optional.empty();
            }
            try {
                return Optional.of(AuditKeys.load(keyFile));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    /**
     * Opens the configured catalog of an initialized gateway: its SQLite file (never created here) or the
     * PostgreSQL database the nodes share.
     */
    static final Source CATALOG = (config, env) -> new Store(CatalogDatabase.openExisting(config, env),
            signingKeyFile(config));

    /** Reads a PEM public key given with {@code --key}, else the data directory's. */
    static AuditPublicKey publicKey(Path given, Store store) throws IOException {
        if (given != null) {
            return AuditKeys.readPublicKey(given);
        }
        return store.publicKey().orElseThrow(() -> new StartupException("audit key " + store.keyFile(),
                "the gateway has no audit key yet", "start the gateway once, or give the public key with --key"));
    }

    /** A subcommand over an opened store. */
    abstract static class StoreTask implements Callable<Integer> {
        private final Map<String, String> env;
        private final Source source;

        @Mixin
        GlobalOptions global;

        @Spec
        CommandSpec spec;

        StoreTask(Map<String, String> env, Source source) {
            this.env = env;
            this.source = source;
        }

        @Override
        public Integer call() throws IOException {
            try (Store store = source.open(global.load(env), env)) {
                return run(store, spec.commandLine().getOut(), spec.commandLine().getErr());
            }
        }

        abstract int run(Store store, PrintWriter out, PrintWriter err) throws IOException;

        /**
         * The time to write in {@code store}'s catalog and compare with its rows, on the command line's clock
         * ({@link io.vaultgate.server.CommandClock#onCatalog}): call it once per command.
         */
        Clock clock(Store store) {
            return io.vaultgate.server.Vaultgate.clock(spec).onCatalog(store.database());
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = {
            "Write the audit records of a time range (and tenant, actor) as JSON lines a tenant verifies offline "
                    + "with `vaultgate audit verify-export` and the published public key.",
            "Other tenants' records in the range appear only as digests. A checkpoint is signed first when this "
                    + "process can read the audit signing key, so the export is signed to its end."})
    static final class Export extends StoreTask {
        @Option(names = "--tenant", paramLabel = "TENANT", description = "Show only this tenant's events.")
        String tenant;

        @Option(names = "--actor", paramLabel = "NAME", description = "Show only this principal's events.")
        String actor;

        @Option(names = "--since", required = true, paramLabel = "INSTANT",
                description = "Start, inclusive, ISO-8601 UTC: 2026-11-01T00:00:00Z.")
        Instant since;

        @Option(names = "--until", paramLabel = "INSTANT", description = "End, exclusive (default: now).")
        Instant until;

        @Option(names = "--out", paramLabel = "FILE", description = "Write here (mode 0600) instead of standard output.")
        Path outFile;

        Export(Map<String, String> env) {
            this(env, CATALOG);
        }

        Export(Map<String, String> env, Source source) {
            super(env, source);
        }

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) throws IOException {
            Clock clock = clock(store);
            ExportFilter filter = new ExportFilter(since, until == null ? clock.instant() : until,
                    Optional.ofNullable(tenant).map(TenantId::of), Optional.ofNullable(actor));
            store.log(clock).flatMap(CatalogAuditLog::checkpointNow)
                    .ifPresent(c -> err.println("signed a checkpoint at record " + c.seq()));
            Optional<AuditSigningKey> signer = store.signingKey();
            AuditExporter exporter = new AuditExporter(store.database(), clock, signer);
            AuditExporter.Summary summary;
            try (Progress progress = Progress.onTerminal("export", err)) {
                if (outFile == null) {
                    summary = exporter.export(filter, out);
                    out.flush();
                } else {
                    Files.deleteIfExists(outFile);
                    Files.createFile(outFile, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
                    try (Writer writer = new OutputStreamWriter(Files.newOutputStream(outFile), StandardCharsets.UTF_8)) {
                        summary = exporter.export(filter, new CountingLines(writer, progress));
                    }
                }
            }
            err.println("exported " + summary.events() + " events (records " + summary.firstSeq() + ".." + summary.lastSeq()
                    + ", " + summary.omitted() + " others as digests, " + summary.checkpoints() + " checkpoints)"
                    + (outFile == null ? "" : " to " + outFile)
                    + (summary.signedToEnd() ? "" : "; the last records are not signed yet, export again later")
                    + (summary.headerSigned() ? "" : "; WARNING: this process cannot read the audit signing key, so the "
                    + "export's period and span are not signed and `verify-export` refuses it unless given "
                    + "--allow-unsigned-header: run the export as the gateway's user"));
            return 0;
        }
    }

    /** Counts the lines written through it (one per exported record) for the progress bar. */
    private static final class CountingLines extends java.io.FilterWriter {
        private final Progress progress;

        CountingLines(Writer out, Progress progress) {
            super(out);
            this.progress = progress;
        }

        @Override
        public void write(int c) throws IOException {
            super.write(c);
            if (c == '\n') {
                progress.advance(1);
            }
        }

        @Override
        public void write(String text, int offset, int length) throws IOException {
            super.write(text, offset, length);
            progress.advance(text.substring(offset, offset + length).chars().filter(c -> c == '\n').count());
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            write(new String(chars, offset, length), 0, length);
        }
    }

    @Command(name = "verify-export", mixinStandardHelpOptions = true, description = {
            "Check an export offline with the gateway's published audit public key: every record's hash chain, "
                    + "the checkpoint signatures, and that the export is complete.",
            "Exit code 0 if valid, 1 if not."})
    static final class VerifyExport implements Callable<Integer> {
        @Parameters(paramLabel = "EXPORT", description = "The JSON lines file written by `vaultgate audit export`.")
        Path file;

        @Option(names = "--key", required = true, paramLabel = "PUBLIC_KEY_PEM",
                description = "The gateway's audit public key (PEM), as published by its operator.")
        Path key;

        @Option(names = "--tenant-key", paramLabel = "FILE", description = "The tenant's secret audit tag key (the "
                + "hex line `vaultgate audit tenant-key` prints): also proves that no record of the tenant was omitted.")
        Path tenantKey;

        @Option(names = "--allow-unsigned-header", description = "Accept an export whose header is not signed (from an "
                + "older gateway, or exported without the signing key), with a warning: nothing then proves that "
                + "records at its start or end were not dropped. A checkpoint in it must still cover its last record.")
        boolean allowUnsignedHeader;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            AuditPublicKey trusted = AuditKeys.readPublicKey(key);
            Optional<TenantTagKey> tags = tenantKey == null ? Optional.empty()
                    : Optional.of(TenantTagKey.fromHex(Files.readString(tenantKey, StandardCharsets.US_ASCII)));
            ExportReport report;
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                report = new ExportVerifier(trusted, tags, allowUnsignedHeader).verify(in);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("key: " + trusted.keyId());
            (report.ok() ? out : spec.commandLine().getErr()).println(report.summary());
            return report.ok() ? 0 : 1;
        }
    }

    @Command(name = "public-key", mixinStandardHelpOptions = true,
            description = "Print the audit public key (PEM) and its id, for tenants to verify exports and receipts.")
    static final class PublicKey extends StoreTask {
        PublicKey(Map<String, String> env) {
            this(env, CATALOG);
        }

        PublicKey(Map<String, String> env, Source source) {
            super(env, source);
        }

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) throws IOException {
            AuditPublicKey key = publicKey(null, store);
            out.print(key.toPem());
            out.println("key id: " + key.keyId());
            return 0;
        }
    }

    @Command(name = "tenant-key", mixinStandardHelpOptions = true, description = {
            "Write a tenant's secret audit tag key, for the tenant to check with `verify-export --tenant-key` that "
                    + "an export omits none of its records. Hand it over confidentially, like a password.",
            "Needs read access to the audit signing key (run it as the gateway's user)."})
    static final class TenantKey extends StoreTask {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT",
                description = "The tenant whose audit tag key to write.")
        String tenant;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write it (mode 0600).")
        Path outFile;

        TenantKey(Map<String, String> env) {
            this(env, CATALOG);
        }

        TenantKey(Map<String, String> env, Source source) {
            super(env, source);
        }

        @Override
        int run(Store store, PrintWriter out, PrintWriter err) throws IOException {
            CatalogAuditLog log = store.log(clock(store)).orElseThrow(() -> new StartupException("audit key "
                    + store.keyFile(), "not readable by this user", "run the command as the gateway's user"));
            Files.deleteIfExists(outFile);
            Files.createFile(outFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(outFile, log.tenantTagKey(Optional.of(TenantId.of(tenant))).toHex() + "\n",
                    StandardCharsets.US_ASCII);
            out.println("wrote the audit tag key of tenant " + tenant + " to " + outFile);
            return 0;
        }
    }
}
