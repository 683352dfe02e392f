package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.ChildJvm;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that is uploading, with SIGKILL, at random points, round after round over the same
 * data directory. After each restart: every acknowledged upload is there and intact; no interrupted upload
 * is visible as a file; interrupted uploads are resumable partials of their uploader (or gone); the
 * catalog and the store agree object for object. Runs on the catalog of the run (SQLite, or PostgreSQL with
 * {@code -Dvaultgate.test.catalog=postgresql}: the child gateways then share this JVM's test cluster, see
 * {@link ChildJvm}), and again on PostgreSQL as {@link CrashSafetyPostgresqlIT}; the store is the home's directory.
 */
class CrashSafetyIT {

    private static final GatewayCore.Settings SETTINGS = new GatewayCore.Settings(Duration.ofHours(1), 16);
    private static final int ROUNDS = 6;

    @TempDir
    Path home;

    @Test
    void sigkillAtRandomPoints_losesNoAcknowledgedUpload_andExposesNoPartialFile() throws Exception {
        assumeFalse(TestStore.s3(), "the child gateway cannot reach this JVM's S3Proxy; the check lists the "
                + "directory store's files");
        Random random = new Random(20261128);
        Map<String, String> acknowledged = new LinkedHashMap<>();
        Map<String, String> committing = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            runAndKill("r" + round, random.nextLong(), 300 + random.nextInt(2500), acknowledged, committing);
            verifyAfterRestart(acknowledged, committing);
        }
        assertThat(acknowledged).as("uploads acknowledged over all rounds").hasSizeGreaterThan(ROUNDS);
    }

    private void runAndKill(String round, long seed, int millisBeforeKill, Map<String, String> acknowledged,
                            Map<String, String> committing) throws Exception {
        Process child = ChildJvm.over(home, CrashWorkload.class, home.toString(), round, String.valueOf(seed))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Map<String, String> acks = new LinkedHashMap<>();
        Map<String, String> intents = new LinkedHashMap<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String[] fields = line.split(" ");
                    if (line.startsWith("ACK ")) {
                        synchronized (acks) {
                            acks.put(fields[1], fields[2]);
                        }
                    } else if (line.startsWith("COMMITTING ")) {
                        synchronized (acks) {
                            intents.put(fields[1], fields[2]);
                        }
                    } else if (line.equals("READY")) {
                        synchronized (acks) {
                            acks.notifyAll();
                        }
                    }
                }
            } catch (java.io.IOException ignored) {
                // killed
            }
        });
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (acks) {
            while (acks.isEmpty() && System.nanoTime() < deadline && child.isAlive()) {
                acks.wait(100);
            }
        }
        Thread.sleep(millisBeforeKill);
        // SIGKILL through the process handle: Process.destroyForcibly() would also close our end of the child's
        // stdout, losing COMMITTING/ACK lines still in the pipe that the reader had not read yet (seen under load)
        child.toHandle().destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        synchronized (acks) {
            assertThat(acks).as("the child acknowledged uploads before it was killed").isNotEmpty();
            acknowledged.putAll(acks);
            committing.putAll(intents);
        }
    }

    private void verifyAfterRestart(Map<String, String> acknowledged, Map<String, String> committing)
            throws Exception {
        try (TestCore test = TestCore.reopen(home, SETTINGS)) {
            test.core().recovery().run();
            Database catalog = test.database();
            long uploading = catalog.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM files WHERE state = 'UPLOADING'"));
            assertThat(uploading).as("no upload is left live after recovery").isZero();

            for (Account account : test.core().administration().accounts(TenantId.of("crashco"))) {
                ClientPrincipal owner = new ClientPrincipal(account.id(), account.username(), account.tenant(),
                        Protocol.SFTP);
                for (FileEntry entry : test.core().files().list(owner, PathPolicy.parse("/inbox"))) {
                    String path = entry.path().toString();
                    if (entry.partial()) {
                        assertThat(acknowledged).as("an acknowledged file is never partial").doesNotContainKey(path);
                    } else {
                        assertThat(committing).as("%s is visible only once its commit began", path).containsKey(path);
                        assertThat(sha256(test, owner, path)).as("visible %s is complete and intact", path)
                                .isEqualTo(committing.get(path));
                    }
                }
            }
            for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
                String round0 = ack.getKey().substring("/inbox/".length(), ack.getKey().indexOf('-'));
                Account owner = test.core().administration().accounts(TenantId.of("crashco")).stream()
                        .filter(a -> a.username().equals("crash-" + round0)).findFirst().orElseThrow();
                ClientPrincipal principal = new ClientPrincipal(owner.id(), owner.username(), owner.tenant(),
                        Protocol.SFTP);
                assertThat(sha256(test, principal, ack.getKey())).as(ack.getKey()).isEqualTo(ack.getValue());
            }
            long rows = catalog.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM files"));
            assertThat(objectFiles()).as("store and catalog agree after the sweep").hasSize((int) rows);
        }
    }

    private static String sha256(TestCore test, ClientPrincipal principal, String path) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (FileContent content = test.core().files().open(principal, PathPolicy.parse(path))) {
            ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
            long position = 0;
            for (int read = content.read(position, buffer); read >= 0; read = content.read(position, buffer)) {
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
                position += read;
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private List<Path> objectFiles() throws Exception {
        try (Stream<Path> files = Files.walk(home.resolve("objects"))) {
            return new ArrayList<>(files.filter(Files::isRegularFile).toList());
        }
    }
}
