package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.sftp.testing.ClientKeys;
import io.vaultgate.sftp.testing.OpenSshSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Authentication, isolation and path confinement, seen from the stock OpenSSH {@code sftp} client. */
class OpenSshSecurityIT {

    @TempDir
    static Path directory;
    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();
    static Path file;

    @BeforeAll
    static void start() throws Exception {
        file = Files.writeString(directory.resolve("hello.txt"), "hello\n");
    }

    @AfterEach
    void serverStaysUp() {
        assertThat(gateway.isRunning()).isTrue();
    }

    @Test
    void negotiation_usesHardenedAlgorithmsAndStrictKex() throws Exception {
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE).run(List.of("-vv", "-o", "LogLevel=DEBUG2"),
                "ls /");
        assertThat(result.succeeded()).as(result.output()).isTrue();
        String out = result.output();
        assertThat(out).contains("kex-strict-s-v00@openssh.com");
        // OpenSSH 9.2 has no ML-KEM and prefers the IANA name of the sntrup761 hybrid.
        assertThat(out).contains("kex: algorithm: sntrup761x25519-sha512");
        assertThat(out).contains("kex: host key algorithm: ssh-ed25519");
        // OpenSSH lists aes128-ctr before GCM, but the server offers a client that has GCM nothing else.
        assertThat(out).contains("client->server cipher: aes128-gcm@openssh.com MAC: <implicit>");
        int start = out.indexOf("peer server KEXINIT proposal");
        String serverProposal = out.substring(start, out.indexOf("first_kex_follows", start));
        assertThat(serverProposal).doesNotContain("cbc").doesNotContain("sha1").doesNotContain("chacha20")
                .doesNotContain("ssh-rsa,").doesNotContain("nistp").doesNotContain("diffie-hellman");
        assertThat(out).containsPattern("Remote protocol version 2.0, remote software version Vaultgate");
    }

    @Test
    void ed25519Key_onJdk17_logsIn() throws Exception {
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE).batch("ls /");
        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(result.output()).contains("inbox").contains("outbox");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rsa", "ecdsa"})
    void rsaAndEcdsaKeys_logIn(String type) throws Exception {
        ClientKeys.Key key = ClientKeys.generate(directory, TestSftpGateway.ALICE, type);
        gateway.core().administration().addSshKey(TestSftpGateway.ALICE, key.publicLine());
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE).withKey(key.privateKey()).batch("ls /");
        assertThat(result.succeeded()).as(result.output()).isTrue();
    }

    @Test
    void unknownKey_isRefused() throws Exception {
        ClientKeys.Key stranger = ClientKeys.generate(directory, "mallory", "ed25519");
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE).withKey(stranger.privateKey()).batch("ls /");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.output()).contains("Permission denied");
    }

    /**
     * A client tries its keys in turn, asking first whether each would do: three keys the account does not have,
     * then its own, fit the default six authentication requests only if the unknown keys are refused at the question
     * (the server answering "yes" to every question made the client sign with each, two requests per key).
     */
    @Test
    void threeOtherKeysBeforeTheAccountsOwn_stillLogIn() throws Exception {
        List<String> keys = new ArrayList<>();
        for (String other : List.of("other-1", "other-2")) {
            keys.addAll(List.of("-i", ClientKeys.generate(directory, other, "ed25519").privateKey().toString()));
        }
        keys.addAll(List.of("-i", gateway.key(TestSftpGateway.ALICE).toString()));
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE)
                .withKey(ClientKeys.generate(directory, "other-0", "ed25519").privateKey()).run(keys, "ls /");
        assertThat(result.succeeded()).as(result.output()).isTrue();
    }

    @Test
    void anotherUsersKey_isRefused() throws Exception {
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE).withKey(gateway.key(TestSftpGateway.BOB))
                .batch("ls /");
        assertThat(result.succeeded()).isFalse();
    }

    @Test
    void listing_showsOnlyTheUsersOwnUploads() throws Exception {
        assertThat(gateway.openSsh(TestSftpGateway.BOB).batch("put " + file + " /inbox/bob-only.txt").succeeded())
                .isTrue();
        assertThat(gateway.openSsh(TestSftpGateway.ALICE).batch("put " + file + " /inbox/alice-only.txt").succeeded())
                .isTrue();

        OpenSshSftp.Result alice = gateway.openSsh(TestSftpGateway.ALICE).batch("ls -l /inbox", "-get /inbox/bob-only.txt");
        assertThat(alice.output()).contains("alice-only.txt");
        assertThat(alice.output().substring(0, alice.output().indexOf("sftp> -get"))).doesNotContain("bob-only.txt");
        assertThat(alice.output()).containsPattern("(not found|No such file)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"get /../../etc/passwd", "get ../../../etc/passwd", "get //../etc/passwd",
            "get /inbox/../../etc/passwd", "cd /..", "ls /../..", "get /inbox/..\\\\..\\\\etc\\\\passwd",
            "get /%2e%2e/%2e%2e/etc/passwd"})
    void pathEscape_neverLeavesTheNamespace(String command) throws Exception {
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE).batch(command);
        assertThat(result.succeeded()).as(result.output()).isFalse();
        assertThat(result.output()).doesNotContain("root:x:0:0");
        assertThat(Files.exists(directory.resolve("passwd"))).isFalse();
    }

    @Test
    void realpathOfRoot_isRoot() throws Exception {
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE).batch("cd /inbox", "cd ..", "pwd");
        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(result.output()).contains("Remote working directory: /\n");
    }

    @Test
    void veryLongName_isRefused() throws Exception {
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE)
                .batch("put " + file + " /inbox/" + "a".repeat(5000));
        assertThat(result.succeeded()).isFalse();
    }

    @Test
    void symlinkAndHardLink_areRefused() throws Exception {
        assertThat(gateway.openSsh(TestSftpGateway.ALICE).batch("put " + file + " /inbox/target.txt").succeeded())
                .isTrue();
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE).batch(
                "-symlink /inbox/target.txt /inbox/link.txt", "-ln /inbox/target.txt /inbox/hard.txt",
                "-symlink /etc/passwd /inbox/evil", "ls /inbox");
        assertThat(finalListing(result)).doesNotContain("link.txt").doesNotContain("hard.txt").doesNotContain("evil");
        assertThat(result.output()).containsIgnoringCase("unsupported");
    }

    @Test
    void chmodAndChown_areRefused() throws Exception {
        assertThat(gateway.openSsh(TestSftpGateway.ALICE).batch("put " + file + " /inbox/perm.txt").succeeded())
                .isTrue();
        assertThat(gateway.openSsh(TestSftpGateway.ALICE).batch("chmod 777 /inbox/perm.txt").succeeded()).isFalse();
        assertThat(gateway.openSsh(TestSftpGateway.ALICE).batch("chown 0 /inbox/perm.txt").succeeded()).isFalse();
    }

    private static String finalListing(OpenSshSftp.Result result) {
        return result.output().substring(result.output().lastIndexOf("sftp> ls"));
    }

    @Test
    void outbox_isReadOnly() throws Exception {
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE).batch("put " + file + " /outbox/x.txt");
        assertThat(result.succeeded()).isFalse();
        assertThat(result.output()).contains("Permission denied");
    }

    @Test
    void unknownTopLevelName_doesNotExist() throws Exception {
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE).batch("put " + file + " /etc/x.txt");
        assertThat(result.succeeded()).isFalse();
    }
}
