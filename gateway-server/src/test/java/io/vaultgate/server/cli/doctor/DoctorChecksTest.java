package io.vaultgate.server.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.audit.CatalogAuditLog;
import io.vaultgate.core.audit.CheckpointPolicy;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import io.vaultgate.https.tls.ServerTls;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import io.vaultgate.sftp.SftpAlgorithms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each finding the CLI test cannot stage for real appears with a bad input and disappears with a good one. */
class DoctorChecksTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @TempDir
    Path home;
    private Database database;

    @BeforeEach
    void catalog() {
        database = Database.sqlite(home.resolve("catalog.db"));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void weakAlgorithms_appearWhenOffered_andDisappearWithTheHardenedLists() throws Exception {
        DoctorContext weak = context(Map.of(), 10, List.of("aes128-cbc", "ssh-rsa", "curve25519-sha256"),
                List.of("TLSv1.3", "TLSv1.1"), List.of("TLS_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA",
                        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
        assertThat(new WeakAlgorithms().run(weak)).extracting(Finding::subject).containsExactly("sftp aes128-cbc",
                "sftp ssh-rsa", "tls TLSv1.1", "tls TLS_RSA_WITH_AES_128_CBC_SHA", "tls TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");

        SftpAlgorithms ssh = SftpAlgorithms.hardened();
        DoctorContext hardened = context(Map.of(), 10, Stream.of(ssh.keyExchanges(), ssh.ciphers(), ssh.macs(),
                ssh.signatures()).flatMap(List::stream).toList(), ServerTls.PROTOCOLS, ServerTls.CIPHER_SUITES);
        assertThat(new WeakAlgorithms().run(hardened)).isEmpty();
    }

    @Test
    void nearlyFullDisk_appearsBelowTheThreshold_andOncePerFileSystem() throws Exception {
        assertThat(new DiskSpaceCheck().run(context(Map.of(), 10, path -> new DiskSpace.Usage("fs0", 5, 100))))
                .singleElement().satisfies(f -> assertThat(f.problem()).contains("5% free").contains("below 10%"));
        assertThat(new DiskSpaceCheck().run(context(Map.of(), 10, path -> new DiskSpace.Usage("fs0", 50, 100))))
                .isEmpty();
        assertThat(new DiskSpaceCheck().run(context(Map.of(), 0, path -> new DiskSpace.Usage("fs0", 0, 100))))
                .as("--min-free 0 turns the check off").isEmpty();
    }

    @Test
    void serverCertificate_expiringWithin30Days_appears_andARenewedOneDoesNot() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("Test CA", Duration.ofDays(3650), new SecureRandom(),
                Clock.fixed(NOW, ZoneOffset.UTC));
        Path tls = Files.createDirectories(home.resolve("tls"));
        Pem.writeCertificates(tls.resolve("server.crt"), ca.issueServer("gw", List.of("localhost"), List.of(),
                Duration.ofDays(10)).chain());

        assertThat(new ExpiringCertificates().run(context(Map.of(), 10))).singleElement().satisfies(finding -> {
            assertThat(finding.subject()).startsWith("tls/server.crt (CN=gw");
            assertThat(finding.problem()).contains("within 30 days");
            assertThat(finding.fix()).as("names the commands that renew it").contains("`vaultgate tls issue`",
                    "`vaultgate tls import --cert FILE --key FILE`");
        });

        Files.delete(tls.resolve("server.crt"));
        Pem.writeCertificates(tls.resolve("server.crt"), ca.issueServer("gw", List.of("localhost"), List.of(),
                Duration.ofDays(365)).chain());
        assertThat(new ExpiringCertificates().run(context(Map.of(), 10))).isEmpty();
    }

    /** The forwarding CA signs what every site trusts as the gateway: its key and its expiry are checked too. */
    @Test
    void forwardingCa_readableKeyAndNearExpiry_appear_andFixedOnesDoNot() throws Exception {
        CertificateAuthority forwarding = CertificateAuthority.create("Forwarding CA", Duration.ofDays(10),
                new SecureRandom(), Clock.fixed(NOW, ZoneOffset.UTC));
        Path tls = Files.createDirectories(home.resolve("tls"));
        Pem.writeCertificates(tls.resolve("forwarding-ca.crt"), List.of(forwarding.certificate()));
        Files.writeString(tls.resolve("forwarding-ca.key"), "not a real key");
        Files.setPosixFilePermissions(tls.resolve("forwarding-ca.key"), PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(new KeyFileModes().run(context(Map.of(), 10))).singleElement()
                .satisfies(finding -> assertThat(finding.subject()).isEqualTo("tls/forwarding-ca.key"));
        assertThat(new ExpiringCertificates().run(context(Map.of(), 10))).singleElement()
                .satisfies(finding -> assertThat(finding.subject()).startsWith("tls/forwarding-ca.crt (CN=Forwarding CA"));

        Files.setPosixFilePermissions(tls.resolve("forwarding-ca.key"), PosixFilePermissions.fromString("rw-------"));
        Files.delete(tls.resolve("forwarding-ca.crt"));
        Pem.writeCertificates(tls.resolve("forwarding-ca.crt"), List.of(CertificateAuthority.create("Forwarding CA",
                Duration.ofDays(3650), new SecureRandom(), Clock.fixed(NOW, ZoneOffset.UTC)).certificate()));
        assertThat(new KeyFileModes().run(context(Map.of(), 10))).isEmpty();
        assertThat(new ExpiringCertificates().run(context(Map.of(), 10))).isEmpty();
    }

    /** No command renews a CA in place: its finding says what to move to another CA before it expires. */
    @Test
    void privateAndForwardingCa_nearExpiry_nameWhatToDoBeforeThen() throws Exception {
        Path tls = Files.createDirectories(home.resolve("tls"));
        for (String name : List.of("ca.crt", "forwarding-ca.crt")) {
            Pem.writeCertificates(tls.resolve(name), List.of(CertificateAuthority.create(name, Duration.ofDays(10),
                    new SecureRandom(), Clock.fixed(NOW, ZoneOffset.UTC)).certificate()));
        }

        List<Finding> findings = new ExpiringCertificates().run(context(Map.of(), 10));

        assertThat(findings).extracting(Finding::subject).containsExactly("tls/ca.crt (CN=ca.crt)",
                "tls/forwarding-ca.crt (CN=forwarding-ca.crt)");
        assertThat(findings.get(0).fix()).contains("no command renews the private CA",
                "`vaultgate tls import --cert FILE --key FILE`", "`vaultgate account add-cert`");
        assertThat(findings.get(1).fix()).contains("no command renews the forwarding CA",
                "`vaultgate forward configure SITE --client-cert FILE --client-key FILE`", "--client-ca");
    }

    @Test
    void catalogPasswordFile_readableByGroup_appears_andAnOwnerOnlyOneDoesNot() throws Exception {
        Path file = Files.createDirectories(home.resolve("secrets")).resolve("catalog.password");
        Files.writeString(file, "hunter2");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        assertThat(new KeyFileModes().run(context(Map.of(), 10))).singleElement()
                .satisfies(finding -> assertThat(finding.subject()).isEqualTo("secrets/catalog.password"));

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(new KeyFileModes().run(context(Map.of(), 10))).isEmpty();
    }

    @Test
    void opsListener_onAPublicAddressWithoutTls_appears_andLoopbackOrTlsDoNot() {
        assertThat(new ExposedListeners().run(context(Map.of("ops.bind", "0.0.0.0"), 10))).singleElement()
                .satisfies(finding -> assertThat(finding.fix()).contains("ops.tls"));
        assertThat(new ExposedListeners().run(context(Map.of("ops.bind", "0.0.0.0", "ops.tls", "true"), 10))).isEmpty();
        assertThat(new ExposedListeners().run(context(Map.of("ops.bind", "127.0.0.2"), 10))).isEmpty();
        assertThat(new ExposedListeners().run(context(Map.of("ops.bind", "::1"), 10))).isEmpty();
    }

    @Test
    void tenantMarkedShredded_withoutTheRecordOfItsShred_appears_untilTheShredFinishes() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        TenantId acme = TenantId.of("acme");
        database.inTransaction(jdbc -> {
            new TenantRepository().insert(jdbc, Tenant.create(acme, "Acme", NOW).withStatus(TenantStatus.SHREDDED));
            return null;
        });
        CatalogAuditLog audit = new CatalogAuditLog(database, AuditSigningKey.generate(new SecureRandom()),
                CheckpointPolicy.defaults(), new SecureRandom(), clock);
        audit.append(new AuditEvent.KeyOperation(NOW, Optional.of(acme), "root", AuditEvent.KeyAction.SHRED, "f_1",
                "file shredded: record 0123"));

        assertThat(new UnfinishedShreds().run(context(Map.of(), 10))).singleElement().satisfies(finding -> {
            assertThat(finding.subject()).isEqualTo("tenant acme");
            assertThat(finding.fix()).contains("vaultgate tenant shred acme");
        });

        audit.append(new AuditEvent.KeyOperation(NOW, Optional.of(acme), "root", AuditEvent.KeyAction.SHRED, "acme",
                "tenant shredded: record 4567; KEKs destroyed: kek.acme.1"));
        assertThat(new UnfinishedShreds().run(context(Map.of(), 10))).isEmpty();
    }

    /**
     * uxreview F1: a shredded tenant that had allowed passwords was reported for ever, with a fix (`tenant set
     * --allow-sources`) that a shredded tenant refuses, so the doctor could never pass again. Nobody can log into it.
     */
    @Test
    void passwordLoginWithoutAllowlist_appearsForALiveTenant_andNotForAShreddedOne() {
        TenantId acme = TenantId.of("acme");
        database.inTransaction(jdbc -> {
            new TenantRepository().insert(jdbc, Tenant.create(acme, "Acme", NOW).withPasswordLogin(true));
            new TenantRepository().insert(jdbc, Tenant.create(TenantId.of("globex"), "Globex", NOW)
                    .withPasswordLogin(true).withStatus(TenantStatus.SHREDDED));
            return null;
        });

        assertThat(Doctor.examine(context(Map.of(), 10))).filteredOn(finding -> finding.check().equals(
                "password-login")).as("a check `vaultgate doctor` runs").singleElement().satisfies(finding -> {
            assertThat(finding.subject()).isEqualTo("tenant acme");
            assertThat(finding.fix()).contains("vaultgate tenant set acme --allow-sources CIDR");
        });

        database.inTransaction(jdbc -> {
            new TenantRepository().update(jdbc, Tenant.create(acme, "Acme", NOW).withPasswordLogin(true)
                    .withStatus(TenantStatus.SHREDDED));
            return null;
        });
        assertThat(new PasswordWithoutAllowlist().run(context(Map.of(), 10))).isEmpty();
    }

    /** A catalog from before the probe's id was reserved may hold a tenant of that id; the doctor names it. */
    @Test
    void tenantWithTheStoreProbesReservedId_appears_untilItIsShredded() {
        TenantId reserved = TenantId.of("vaultgate-health-probe");
        database.inTransaction(jdbc -> {
            new TenantRepository().insert(jdbc, Tenant.create(reserved, "Legacy", NOW));
            new TenantRepository().insert(jdbc, Tenant.create(TenantId.of("vaultgate-health-probe2"), "Near", NOW));
            return null;
        });

        assertThat(Doctor.examine(context(Map.of(), 10))).filteredOn(finding -> finding.check().equals(
                "reserved-tenant")).as("a check `vaultgate doctor` runs").singleElement().satisfies(finding -> {
            assertThat(finding.subject()).isEqualTo("tenant vaultgate-health-probe");
            assertThat(finding.problem()).contains("reserved for the store's readiness probe");
            assertThat(finding.fix()).contains("vaultgate tenant shred vaultgate-health-probe");
        });

        database.inTransaction(jdbc -> {
            new TenantRepository().update(jdbc, Tenant.create(reserved, "Legacy", NOW)
                    .withStatus(TenantStatus.SHREDDED));
            return null;
        });
        assertThat(Doctor.examine(context(Map.of(), 10))).noneMatch(finding -> finding.check().equals(
                "reserved-tenant"));
    }

    @Test
    void aCheckThatCannotRun_isItselfAFinding() {
        DoctorContext broken = context(Map.of(), 10, path -> {
            throw new java.io.IOException("no such file system");
        });
        assertThat(Doctor.examine(broken)).anySatisfy(finding -> {
            assertThat(finding.check()).isEqualTo("doctor");
            assertThat(finding.problem()).contains("no such file system");
        });
    }

    private DoctorContext context(Map<String, String> overrides, int minFree) {
        return context(overrides, minFree, path -> new DiskSpace.Usage("fs0", 50, 100));
    }

    private DoctorContext context(Map<String, String> overrides, int minFree, DiskSpace disk) {
        return new DoctorContext(config(overrides), database, Clock.fixed(NOW, ZoneOffset.UTC), disk, minFree,
                List.of(), ServerTls.PROTOCOLS, ServerTls.CIPHER_SUITES);
    }

    private DoctorContext context(Map<String, String> overrides, int minFree, List<String> ssh, List<String> protocols,
                                  List<String> suites) {
        return new DoctorContext(config(overrides), database, Clock.fixed(NOW, ZoneOffset.UTC),
                path -> new DiskSpace.Usage("fs0", 50, 100), minFree, ssh, protocols, suites);
    }

    private VaultgateConfig config(Map<String, String> overrides) {
        Map<String, String> all = new java.util.HashMap<>(overrides);
        all.put("home", home.toString());
        return ConfigLoader.load(Optional.empty(), Map.of(), all);
    }
}
