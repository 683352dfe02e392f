package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.loader.openssh.OpenSSHKeyPairResourceParser;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeysTest {

    @TempDir
    Path dir;

    @Test
    void generate_writesEd25519AndRsa3072InOpenSshFormatReadableByOwnerOnly() throws Exception {
        List<Path> files = HostKeys.generate(dir);

        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly(HostKeys.ED25519_FILE, HostKeys.RSA_FILE);
        for (Path file : files) {
            assertThat(Files.readAllLines(file).get(0)).contains(OpenSSHKeyPairResourceParser.BEGIN_MARKER);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(Files.exists(file.resolveSibling(file.getFileName() + ".pub"))).isTrue();
        }
        KeyPairProvider loaded = HostKeys.load(files);
        assertThat(loaded.getKeyTypes(null)).contains("ssh-ed25519", "ssh-rsa");
    }

    @Test
    void generatedKeys_areReadByOpenSshKeygen() throws Exception {
        Path ed25519 = HostKeys.generate(dir).get(0);
        Process process = new ProcessBuilder("ssh-keygen", "-l", "-f", ed25519.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("ED25519").contains(
                KeyUtils.getFingerPrint(HostKeys.load(List.of(ed25519)).loadKeys(null).iterator().next().getPublic()));
    }

    @Test
    void generate_keepsExistingKeys() throws Exception {
        Path ed25519 = HostKeys.generate(dir).get(0);
        String before = Files.readString(ed25519);
        HostKeys.generate(dir);
        assertThat(Files.readString(ed25519)).isEqualTo(before);
    }

    /**
     * Keys and public keys are written durably through temporary copies renamed into place (DurableFile; crash-
     * consistency audit M1: the public keys were written in place and nothing was flushed); copies an interrupted
     * generation left are gone afterwards, and the keys stay 0600.
     */
    @Test
    void generate_goesThroughTemporaryCopies_andLeavesOnlyTheKeysAndTheirPublicKeys() throws Exception {
        Files.writeString(dir.resolve(HostKeys.ED25519_FILE + ".tmp"), "half a key");
        Files.writeString(dir.resolve("." + HostKeys.ED25519_FILE + ".pub.tmp"), "half a public key");

        List<Path> files = HostKeys.generate(dir);

        try (var names = Files.list(dir)) {
            assertThat(names.map(p -> p.getFileName().toString()).sorted()).containsExactlyInAnyOrder(
                    HostKeys.ED25519_FILE, HostKeys.ED25519_FILE + ".pub", HostKeys.RSA_FILE,
                    HostKeys.RSA_FILE + ".pub");
        }
        for (Path file : files) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThat(HostKeys.load(files).getKeyTypes(null)).contains("ssh-ed25519", "ssh-rsa");
    }

    @Test
    void missingFile_namesItAndTheFix() {
        assertThatThrownBy(() -> HostKeys.load(List.of(dir.resolve("nope"))))
                .hasMessageContaining("sftp.hostKeys").hasMessageContaining("nope").hasMessageContaining("vaultgate init");
    }

    @Test
    void weakRsaHostKey_isRefused() throws Exception {
        KeyPair weak = KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 2048);
        Path file = dir.resolve("weak");
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(weak, "weak", null, out);
        }
        assertThatThrownBy(() -> HostKeys.load(List.of(file))).hasMessageContaining("2048 bits");
    }
}
