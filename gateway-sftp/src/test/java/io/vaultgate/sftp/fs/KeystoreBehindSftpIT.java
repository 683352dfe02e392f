package io.vaultgate.sftp.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.kek.KeystoreBehindCatalog;
import io.vaultgate.core.report.WorkProgress;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.sftp.SftpFrontEnd;
import io.vaultgate.sftp.SftpSettings;
import io.vaultgate.sftp.testing.ClientKeys;
import io.vaultgate.sftp.testing.TestHostKeys;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an SFTP client meets on a scale-out node whose copy of the keystore is behind the catalog ({@code KekCatalog}):
 * node A rotates the tenant's KEK, node B, serving SFTP, still holds the old keystore. The upload fails with a
 * FAILURE status carrying the client's message (retry later), the session stays usable, nothing becomes visible,
 * and once B's keystore is copied the same upload goes through.
 */
class KeystoreBehindSftpIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private TestCore nodeA;
    private TestCore nodeB;
    private SftpFrontEnd serverOnB;
    private SshClient client;
    private ClientSession session;

    @BeforeEach
    void twoNodesWithTheirOwnKeystores_sftpOnNodeB() throws Exception {
        Path home = Files.createDirectories(dir.resolve("core"));
        nodeA = TestCore.create(home);
        nodeA.client("acme", "alice", Protocol.SFTP);
        ClientKeys.Key key = ClientKeys.generate(dir, "alice", "ed25519");
        nodeA.core().administration().addSshKey("alice", key.publicLine());
        Path keystoreB = Files.createDirectory(dir.resolve("node-b")).resolve("kek.p12");
        Files.copy(home.resolve("kek.p12"), keystoreB, StandardCopyOption.COPY_ATTRIBUTES);
        nodeB = TestCore.over(home, TestCatalog.open(home), keystoreB);
        GatewayCore b = nodeB.core();
        serverOnB = SftpFrontEnd.start(SftpSettings.loopback(TestHostKeys.in(dir.resolve("hostkeys"))),
                b.authenticator(), b.files(), b.ingest(), new SimpleMeterRegistry());
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.start();
        session = client.connect("alice", "127.0.0.1", serverOnB.port()).verify(TIMEOUT).getSession();
        session.addPublicKeyIdentity(new FileKeyPairProvider(key.privateKey()).loadKeys(null).iterator().next());
        session.auth().verify(TIMEOUT);
    }

    @AfterEach
    void stop() throws Exception {
        if (session != null) {
            session.close(true);
        }
        if (client != null) {
            client.stop();
        }
        if (serverOnB != null) {
            serverOnB.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    @Test
    void afterARotationOnAnotherNode_anUploadHereFailsWithTheClientsMessage_andSucceedsOnceTheKeystoreIsCopied()
            throws Exception {
        try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
            put(sftp, "/inbox/before.csv", "stored by B");
            nodeA.core().keyRotation().emergencyRotate(TenantId.of("acme"), WorkProgress.NONE);

            assertThatThrownBy(() -> put(sftp, "/inbox/after.csv", "refused"))
                    .isInstanceOfSatisfying(SftpException.class, e -> {
                        assertThat(e.getStatus()).isEqualTo(SftpConstants.SSH_FX_FAILURE);
                        assertThat(e.getMessage()).contains(KeystoreBehindCatalog.CLIENT_MESSAGE)
                                .doesNotContain("kek.p12", "version");
                    });
            assertThat(names(sftp)).containsExactly("before.csv");

            copyKeystoreOfAToB();
            put(sftp, "/inbox/after.csv", "accepted");
            assertThat(names(sftp)).containsExactlyInAnyOrder("before.csv", "after.csv");
        }
    }

    private static void put(SftpClient sftp, String path, String content) throws Exception {
        try (OutputStream out = sftp.write(path)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<String> names(SftpClient sftp) throws Exception {
        List<String> names = new ArrayList<>();
        for (SftpClient.DirEntry entry : sftp.readDir("/inbox")) {
            if (!entry.getFilename().startsWith(".")) {
                names.add(entry.getFilename());
            }
        }
        return names;
    }

    /** As an operator does: the file copied beside B's and moved over it; B's provider reloads it. */
    private void copyKeystoreOfAToB() throws Exception {
        Path target = dir.resolve("node-b").resolve("kek.p12");
        Path copy = target.resolveSibling("kek.p12.new");
        Files.copy(dir.resolve("core").resolve("kek.p12"), copy, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(copy, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
