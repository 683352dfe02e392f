package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incident response ends live SFTP sessions mid-upload within 2 s, also when ordered from another process
 * over the shared catalog (as {@code vaultgate lockdown} and {@code vaultgate account revoke} do): the upload
 * fails, nothing becomes visible, new logins are refused, and the audit log names who did it and why. An account
 * whose expiry passes has its live session ended the same way, without anyone acting.
 */
class LockdownSftpIT {

    private static final long TWO_SECONDS_NANOS = TimeUnit.SECONDS.toNanos(2);

    @TempDir
    Path directory;

    @Test
    void lockdownFromAnotherProcess_endsALiveUploadWithinTwoSeconds_andRefusesNewLogins() throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults())) {
            KeyPair alice = gateway.client("alice");
            SftpClient sftp = gateway.sftp("127.0.0.1", "alice", alice);
            Upload upload = Upload.start(sftp, "/inbox/big.bin");
            upload.awaitBytes(256 * 1024);

            long ordered;
            try (TestCore cli = gateway.otherNode()) {
                ordered = System.nanoTime();
                cli.core().incidents().lockdown().lockdown(TenantId.of(AccessFixture.TENANT), "ticket 4711: leaked key",
                        "cli:incident-responder");
            }
            long endedAfter = upload.awaitFailure() - ordered;

            assertThat(endedAfter).as("nanoseconds from lockdown to the session's end").isLessThan(TWO_SECONDS_NANOS);
            assertThat(gateway.committedFiles()).as("the cut-off upload is not visible").isZero();
            assertThatThrownBy(() -> gateway.login("127.0.0.1", "alice", alice).close()).isInstanceOf(Exception.class);
            assertThat(gateway.auditEvents()).anyMatch(event -> event.contains("\"actor\":\"cli:incident-responder\"")
                    && event.contains("TENANT_LOCKED") && event.contains("ticket 4711: leaked key"));

            gateway.core().incidents().lockdown().unlock(TenantId.of(AccessFixture.TENANT), "resolved", "cli:test");
            // Like the lockdown, the unlock reaches the node's session checks within the reaper's period.
            long deadline = System.nanoTime() + TWO_SECONDS_NANOS;
            while (true) {
                try (SftpClient again = gateway.sftp("127.0.0.1", "alice", alice)) {
                    assertThat(again.stat("/inbox").isDirectory()).as("unlocked").isTrue();
                    break;
                } catch (java.io.IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
            System.out.printf("lockdown ended the SFTP session after %d ms%n", endedAfter / 1_000_000);
        }
    }

    @Test
    void revokingTheSessionsKey_endsItWithinTwoSeconds_otherSessionsOfTheTenantGoOn() throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults())) {
            KeyPair alice = gateway.client("alice");
            KeyPair bob = gateway.client("bob");
            SftpClient aliceSftp = gateway.sftp("127.0.0.1", "alice", alice);
            Upload upload = Upload.start(aliceSftp, "/inbox/stolen-laptop.bin");
            upload.awaitBytes(256 * 1024);

            try (SftpClient bobSftp = gateway.sftp("127.0.0.1", "bob", bob)) {
                long ordered;
                try (TestCore cli = gateway.otherNode()) {
                    ordered = System.nanoTime();
                    cli.core().incidents().revocation().revokeSshKey("alice",
                            KeyUtils.getFingerPrint(alice.getPublic()), "laptop stolen", "cli:incident-responder");
                }
                long endedAfter = upload.awaitFailure() - ordered;

                assertThat(endedAfter).isLessThan(TWO_SECONDS_NANOS);
                assertThat(bobSftp.stat("/inbox").isDirectory()).as("bob's session is untouched").isTrue();
                System.out.printf("revocation ended the SFTP session after %d ms%n", endedAfter / 1_000_000);
            }
            assertThat(gateway.committedFiles()).isZero();
            assertThatThrownBy(() -> gateway.login("127.0.0.1", "alice", alice).close()).isInstanceOf(Exception.class);
            assertThat(gateway.auditEvents()).anyMatch(event -> event.contains("CREDENTIAL_REVOKED")
                    && event.contains("laptop stolen") && event.contains("\"actor\":\"cli:incident-responder\""));
        }
    }

    /**
     * An account's expiry, set by another process to a moment 1.5 s ahead, ends its live upload once it passes: not
     * before, and within 2 s after (the session check sees the expiry in the catalog; no administrator acts then).
     */
    @Test
    void accountWhoseExpiryPasses_hasItsLiveUploadEndedWithinTwoSeconds_otherAccountsGoOn() throws Exception {
        try (AccessFixture gateway = AccessFixture.start(directory, AccessPolicy.defaults())) {
            KeyPair alice = gateway.client("alice");
            KeyPair bob = gateway.client("bob");
            SftpClient aliceSftp = gateway.sftp("127.0.0.1", "alice", alice);
            Upload upload = Upload.start(aliceSftp, "/inbox/contract-ended.bin");
            upload.awaitBytes(256 * 1024);

            try (SftpClient bobSftp = gateway.sftp("127.0.0.1", "bob", bob)) {
                long expiresNanos;
                try (TestCore cli = gateway.otherNode()) {
                    expiresNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                    cli.core().incidents().expiry().set("alice", Optional.of(Instant.now().plusMillis(1500)),
                            "cli:test");
                }
                long endedAfter = upload.awaitFailure() - expiresNanos;

                assertThat(endedAfter).as("nanoseconds from the expiry to the session's end")
                        .isGreaterThan(-TimeUnit.MILLISECONDS.toNanos(100)).isLessThan(TWO_SECONDS_NANOS);
                assertThat(bobSftp.stat("/inbox").isDirectory()).as("bob's session is untouched").isTrue();
                System.out.printf("expiry ended the SFTP session after %d ms%n", endedAfter / 1_000_000);
            }
            assertThat(gateway.committedFiles()).isZero();
            assertThatThrownBy(() -> gateway.login("127.0.0.1", "alice", alice).close()).isInstanceOf(Exception.class);
            assertThat(gateway.auditEvents()).as("the gateway's own reaper audits the ending")
                    .anyMatch(event -> event.contains("session.ended") && event.contains("\"actor\":\"alice\"")
                            && event.contains("account expired"));
        }
    }

    /** An upload that writes 32 KiB chunks until its session dies, with a short pause so it stays live. */
    static final class Upload {
        private final CompletableFuture<Long> failedAt = new CompletableFuture<>();
        private final CountDownLatch progressed;
        private volatile long written;

        private Upload(long bytes) {
            this.progressed = new CountDownLatch(1);
        }

        static Upload start(SftpClient sftp, String path) {
            Upload upload = new Upload(0);
            Thread thread = new Thread(() -> upload.run(sftp, path), "slow-upload");
            thread.setDaemon(true);
            thread.start();
            return upload;
        }

        private void run(SftpClient sftp, String path) {
            byte[] chunk = new byte[32 * 1024];
            try (OutputStream out = sftp.write(path)) {
                for (int i = 0; i < 100_000; i++) {
                    out.write(chunk);
                    out.flush();
                    written += chunk.length;
                    if (written >= 256 * 1024) {
                        progressed.countDown();
                    }
                    Thread.sleep(5);
                }
                failedAt.completeExceptionally(new AssertionError("the upload was never cut off"));
            } catch (Exception expected) {
                failedAt.complete(System.nanoTime());
            }
        }

        void awaitBytes(long bytes) throws InterruptedException {
            assertThat(progressed.await(30, TimeUnit.SECONDS)).as("the upload got going").isTrue();
        }

        long awaitFailure() throws Exception {
            return failedAt.get(30, TimeUnit.SECONDS);
        }
    }
}
