package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.CoreResources;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.DemoSetup;
import io.vaultgate.server.ProcessIdentity;
import io.vaultgate.server.RunFile;
import io.vaultgate.server.RunRecord;
import io.vaultgate.server.backup.BackupManifest;
import io.vaultgate.server.cli.CliHarness.Result;
import io.vaultgate.server.config.ConfigLoader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vaultgate backup create} and {@code backup verify} against a real data directory, and a restore. */
class BackupCommandTest {

    private static final String PAYROLL = "payroll of march";

    @TempDir
    Path home;
    @TempDir
    Path elsewhere;
    private CliHarness cli;

    @BeforeEach
    void setUp() throws Exception {
        cli = new CliHarness(home);
        AcmeHome.create(cli, home, PAYROLL);
    }

    @Test
    void aBackupRestoredIntoAnEmptyDirectory_withTheMasterSecretPutBack_servesTheFiles() throws Exception {
        Path backup = elsewhere.resolve("backup-1");

        Result created = cli.run("backup", "create", "--to", backup.toString());

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("the master secret is not in it");
        assertThat(backup.resolve("secrets/master.key")).doesNotExist();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup.resolve("catalog.db"))))
                .isEqualTo("rw-------");
        assertThat(cli.run("backup", "verify", backup.toString()).exitCode()).isZero();

        Path restored = elsewhere.resolve("restored");
        copyTree(backup, restored);
        Files.createDirectories(restored.resolve("secrets"));
        Files.copy(home.resolve("secrets/master.key"), restored.resolve("secrets/master.key"),
                StandardCopyOption.COPY_ATTRIBUTES);
        try (CoreResources gateway = AcmeHome.open(restored)) {
            GatewayCore core = gateway.core();
            Account alice = core.administration().accounts(TenantId.of("acme")).get(0);
            try (FileContent file = core.files().open(AcmeHome.alice(alice), PathPolicy.parse(AcmeHome.FILE))) {
                ByteBuffer content = ByteBuffer.allocate((int) file.size());
                while (content.hasRemaining() && file.read(content.position(), content) > 0) {
                    // reads until full
                }
                assertThat(new String(content.array(), StandardCharsets.US_ASCII)).isEqualTo(PAYROLL);
            }
        }
        assertThat(cli.run("audit", "export", "--since", "2000-01-01T00:00:00Z").out())
                .as("recorded in the audit log").contains("\"action\":\"BACKUP_TAKEN\"", backup.toString());
    }

    @Test
    void backup_leavesOutTheLiveAdminToken_andTheOtherHandedOverCredentials() throws Exception {
        Files.writeString(home.resolve("secrets/catalog.password"), "hunter2");
        Files.writeString(home.resolve("secrets/alice.token"), "vg_alice");
        Files.createDirectories(home.resolve("demo"));
        Pem.writePrivateKey(home.resolve("demo/id_ed25519"),
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate()); // made here, never committed
        Files.writeString(home.resolve("demo/api-token"), "vg_demo");
        Path backup = elsewhere.resolve("backup-5");

        Result created = cli.run("backup", "create", "--to", backup.toString());

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(home.resolve("secrets/admin.token")).exists();
        assertThat(backup.resolve("secrets/admin.token")).doesNotExist();
        assertThat(backup.resolve("secrets")).doesNotExist();
        assertThat(backup.resolve("demo/id_ed25519")).doesNotExist();
        assertThat(backup.resolve("demo/api-token")).doesNotExist();
        assertThat(backup.resolve("keys/kek.p12")).exists();
        assertThat(backup.resolve("tls/server.key")).exists();
        assertThat(Files.readString(backup.resolve(BackupManifest.FILE))).doesNotContain("secrets/", "demo/");
        assertThat(cli.run("backup", "verify", backup.toString()).exitCode()).isZero();
    }

    /**
     * The running gateway's run file describes this process only: a backup leaves the run directory out, so a restore
     * brings none back.
     */
    @Test
    void backup_leavesOutTheRunFile_ofTheGatewayServingNow() throws Exception {
        RunFile runFile = RunFile.in(home);
        runFile.write(new RunRecord(ProcessIdentity.current().orElseThrow(), "gw1-0a1b2c3d",
                Optional.of(URI.create("http://127.0.0.1:41234")), Optional.of(41235), Optional.empty()));
        Path backup = elsewhere.resolve("backup-8");

        Result created = cli.run("backup", "create", "--to", backup.toString());

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(runFile.read()).isInstanceOf(RunFile.Live.class);
        assertThat(backup.resolve(RunFile.DIRECTORY)).doesNotExist();
        assertThat(Files.readString(backup.resolve(BackupManifest.FILE))).doesNotContain("gateway.json")
                .contains("keys/kek.p12");
        assertThat(cli.run("backup", "verify", backup.toString()).exitCode()).isZero();
    }

    @Test
    void backup_leavesOutTheConfiguredCredentialFiles_evenWhenTheyAreOutsideSecrets() throws Exception {
        Files.writeString(home.resolve("vaultgate.yaml"), """
                keys:
                  pkcs11:
                    pin-file: keys/token.pin
                catalog:
                  password-file: keys/catalog.password
                storage:
                  s3:
                    credentials-file: keys/s3-credentials
                """, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        for (String credential : List.of("keys/token.pin", "keys/catalog.password", "keys/s3-credentials")) {
            Files.writeString(home.resolve(credential), "secret\n");
            Files.setPosixFilePermissions(home.resolve(credential), PosixFilePermissions.fromString("rw-------"));
        }
        Path backup = elsewhere.resolve("backup-6");

        Result created = cli.run("backup", "create", "--to", backup.toString());

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(backup.resolve("keys/kek.p12")).exists();
        assertThat(backup.resolve("keys/token.pin")).as("the PKCS#11 PIN").doesNotExist();
        assertThat(backup.resolve("keys/catalog.password")).doesNotExist();
        assertThat(backup.resolve("keys/s3-credentials")).doesNotExist();
        assertThat(Files.readString(backup.resolve(BackupManifest.FILE)))
                .doesNotContain("token.pin", "catalog.password", "s3-credentials");
    }

    @Test
    void aRestoredCopy_withoutTheAdminToken_initializesWithoutANewAdministrator_andRotateTokenGivesOne()
            throws Exception {
        Path backup = elsewhere.resolve("backup-6");
        assertThat(cli.run("backup", "create", "--to", backup.toString()).exitCode()).isZero();
        Path restored = elsewhere.resolve("restored-6");
        copyTree(backup, restored);
        Files.createDirectories(restored.resolve("secrets"));
        Files.copy(home.resolve("secrets/master.key"), restored.resolve("secrets/master.key"),
                StandardCopyOption.COPY_ATTRIBUTES);
        CliHarness restoredCli = new CliHarness(restored);

        Result init = restoredCli.run("init");
        Result rotated = restoredCli.run("admin", "rotate-token", "admin", "--reason", "restored from backup-6",
                "--token-file", restored.resolve("secrets/admin.token").toString());

        assertThat(init.exitCode()).as(init.err()).isZero();
        assertThat(init.out()).doesNotContain("API token");
        assertThat(rotated.exitCode()).as(rotated.err()).isZero();
        String token = Files.readString(restored.resolve("secrets/admin.token")).strip();
        assertThat(token).startsWith("vg_").isNotEqualTo(Files.readString(home.resolve("secrets/admin.token")).strip());
        assertThat(restoredCli.run("admin", "list").out()).contains("admin  created=", "live-tokens=1");
    }

    @Test
    void aRestoredDemo_getsNewClientCredentials() throws Exception {
        DemoSetup demo = new DemoSetup();
        DemoSetup.Credentials before = ensureDemo(demo, home);
        Path backup = elsewhere.resolve("backup-7");
        assertThat(cli.run("backup", "create", "--to", backup.toString()).exitCode()).isZero();
        assertThat(backup.resolve("demo/id_ed25519")).doesNotExist();
        assertThat(backup.resolve("demo/api-token")).doesNotExist();
        Path restored = elsewhere.resolve("restored-7");
        copyTree(backup, restored);
        Files.createDirectories(restored.resolve("secrets"));
        Files.copy(home.resolve("secrets/master.key"), restored.resolve("secrets/master.key"),
                StandardCopyOption.COPY_ATTRIBUTES);

        DemoSetup.Credentials after = ensureDemo(demo, restored);

        assertThat(Files.readString(after.privateKey())).isNotEqualTo(Files.readString(before.privateKey()));
        assertThat(Files.readString(after.apiToken())).startsWith("vg_")
                .isNotEqualTo(Files.readString(before.apiToken()));
    }

    private static DemoSetup.Credentials ensureDemo(DemoSetup demo, Path home) {
        DataDirectory directory = new DataDirectory(ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("home", home.toString())));
        try (CoreResources gateway = AcmeHome.open(home)) {
            return demo.ensure(gateway.core().administration(), gateway.core().sites(), directory);
        }
    }

    @Test
    void verify_namesAChangedFile_aMissingOne_andAnAddedOne_andExitsOne() throws Exception {
        Path backup = elsewhere.resolve("backup-2");
        assertThat(cli.run("backup", "create", "--to", backup.toString()).exitCode()).isZero();
        Path object = objectsIn(backup).get(0);
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length / 2] ^= 1;
        Files.write(object, bytes);
        Files.delete(backup.resolve("keys/kek.p12"));
        Files.writeString(backup.resolve("extra.txt"), "planted");

        Result verified = cli.run("backup", "verify", backup.toString());

        assertThat(verified.exitCode()).isEqualTo(1);
        assertThat(verified.err()).contains(backup.relativize(object) + ": changed", "keys/kek.p12: missing",
                "extra.txt: not in the manifest");
        assertThat(verified.out()).contains("is NOT intact: 3 problems");
    }

    @Test
    void verify_refusesAFileChangedTogetherWithItsManifestLine_forTheSignatureNoLongerMatches() throws Exception {
        Path backup = elsewhere.resolve("backup-3");
        assertThat(cli.run("backup", "create", "--to", backup.toString()).exitCode()).isZero();
        Path object = objectsIn(backup).get(0);
        String before = sha256(object);
        Files.writeString(object, "replaced");
        Path manifest = backup.resolve(BackupManifest.FILE);
        Files.writeString(manifest, Files.readString(manifest).replace(before, sha256(object)));

        Result verified = cli.run("backup", "verify", backup.toString());

        assertThat(verified.exitCode()).isEqualTo(1);
        assertThat(verified.err()).contains("the signature does not verify").doesNotContain("changed");
    }

    @Test
    void theMasterSecretIsCopiedOnlyWhenAskedFor() throws Exception {
        Path backup = elsewhere.resolve("backup-4");

        Result created = cli.run("backup", "create", "--to", backup.toString(), "--include-master-secret");

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("it INCLUDES the master secret");
        assertThat(backup.resolve("secrets/master.key")).hasSameBinaryContentAs(home.resolve("secrets/master.key"));
    }

    @Test
    void aTargetThatIsNotEmpty_orInsideTheDataDirectory_isRefused_andNothingIsWritten() throws Exception {
        Path used = elsewhere.resolve("used");
        Files.createDirectories(used);
        Files.writeString(used.resolve("keep.txt"), "mine");

        Result notEmpty = cli.run("backup", "create", "--to", used.toString());
        Result inside = cli.run("backup", "create", "--to", home.resolve("backups").toString());

        assertThat(notEmpty.exitCode()).isNotZero();
        assertThat(notEmpty.err()).contains("is not empty");
        try (Stream<Path> files = Files.list(used)) {
            assertThat(files).containsExactly(used.resolve("keep.txt"));
        }
        assertThat(inside.exitCode()).isNotZero();
        assertThat(inside.err()).contains("is inside the data directory");
        assertThat(home.resolve("backups")).doesNotExist();
    }

    private static List<Path> objectsIn(Path backup) throws Exception {
        try (Stream<Path> files = Files.walk(backup.resolve("objects/acme"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path source : all.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
