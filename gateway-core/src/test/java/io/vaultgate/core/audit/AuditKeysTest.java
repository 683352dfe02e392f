package io.vaultgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.testing.CatalogIndependent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@CatalogIndependent
class AuditKeysTest {

    /** PEM armour of PKCS#8 keys, assembled so that no key-shaped text sits in the repository. */
    private static final String PKCS8_HEADER = "-----BEGIN " + "PRIVATE KEY-----";
    private static final String PKCS8_FOOTER = "-----END " + "PRIVATE KEY-----";

    @TempDir
    Path dir;

    @Test
    void loadOrCreate_writesAPrivateKeyOnlyItsOwnerReads_andThePublicKeyBesideIt() throws IOException {
        Path keyFile = dir.resolve("keys").resolve("audit-signing.key");
        AuditSigningKey created = AuditKeys.loadOrCreate(keyFile, new SecureRandom());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile.getParent()))).isEqualTo("rwx------");
        assertThat(Files.readString(keyFile)).startsWith(PKCS8_HEADER + "\n");
        Path publicFile = dir.resolve("keys").resolve("audit-signing.pub");
        assertThat(Files.readString(publicFile)).startsWith("-----BEGIN PUBLIC KEY-----\n");

        AuditSigningKey loaded = AuditKeys.loadOrCreate(keyFile, new SecureRandom());
        assertThat(loaded.publicKey()).isEqualTo(created.publicKey());
        assertThat(AuditKeys.readPublicKey(publicFile)).isEqualTo(created.publicKey());
        byte[] message = "checkpoint".getBytes(StandardCharsets.UTF_8);
        assertThat(created.publicKey().verify(message, loaded.sign(message))).isTrue();
    }

    @Test
    void signatures_areTheBytesTheJdksEd25519Produces_soAnyVerifierAcceptsThem() throws Exception {
        AuditSigningKey key = AuditSigningKey.generate(new SecureRandom());
        byte[] message = "receipt payload".getBytes(StandardCharsets.UTF_8);
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(key.privateKey());
        jdk.update(message);

        assertThat(key.sign(message)).isEqualTo(jdk.sign());
        assertThat(key.publicKey().verify(message, key.sign(message))).isTrue();
    }

    @Test
    void anExistingKey_isNeverOverwritten() throws IOException {
        Path keyFile = dir.resolve("audit-signing.key");
        AuditKeys.write(AuditSigningKey.generate(new SecureRandom()), keyFile);
        assertThatThrownBy(() -> AuditKeys.write(AuditSigningKey.generate(new SecureRandom()), keyFile))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("never overwritten");
    }

    /**
     * The key and its public key are written durably through a temporary copy renamed into place (DurableFile; crash-
     * consistency audit M1: they were created under their names and never flushed, so a crash could leave an empty
     * key file a start refuses); a copy an interrupted write left is gone after the next write, and only the two
     * files remain, the key 0600.
     */
    @Test
    void write_goesThroughATemporaryCopy_andLeavesOnlyTheKeyAndItsPublicKey() throws IOException {
        Path keyFile = dir.resolve("audit-signing.key");
        Files.writeString(dir.resolve(".audit-signing.key.tmp"), "half a key an interrupted write left");
        Files.writeString(dir.resolve(".audit-signing.pub.tmp"), "half a public key");

        AuditSigningKey key = AuditSigningKey.generate(new SecureRandom());
        AuditKeys.write(key, keyFile);

        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("audit-signing.key", "audit-signing.pub");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(AuditKeys.load(keyFile).publicKey()).isEqualTo(key.publicKey());
        assertThat(AuditKeys.readPublicKey(dir.resolve("audit-signing.pub"))).isEqualTo(key.publicKey());
    }

    @Test
    void aKeyFileOthersCanRead_isRefused() throws IOException {
        Path keyFile = dir.resolve("audit-signing.key");
        AuditKeys.write(AuditSigningKey.generate(new SecureRandom()), keyFile);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> AuditKeys.load(keyFile)).hasMessageContaining("readable by others")
                .hasMessageContaining("chmod 600");
    }

    @Test
    void notAnEd25519Key_isRefusedWithTheFileName() throws IOException {
        Path keyFile = Files.writeString(dir.resolve("bad.key"), PKCS8_HEADER + "\nAAAA\n" + PKCS8_FOOTER + "\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> AuditKeys.load(keyFile)).hasMessageContaining("bad.key").hasMessageContaining("Ed25519");
        assertThatThrownBy(() -> AuditPublicKey.fromPem("nonsense")).hasMessageContaining("PUBLIC KEY");
    }

    @Test
    void keys_neverPrintTheirSecret() {
        AuditSigningKey key = AuditSigningKey.generate(new SecureRandom());
        assertThat(key.toString()).contains("redacted").contains(key.keyId().substring(0, 16));
        assertThat(key.publicKey().toString()).startsWith("AuditPublicKey[Ed25519");
    }

    @Test
    void opensslKeys_areReadAndOpensslVerifiesOurSignatures() throws Exception {
        assumeTrue(run("openssl", "version") == 0, "openssl is not installed");
        Path keyFile = dir.resolve("openssl.key");
        assertThat(run("openssl", "genpkey", "-algorithm", "ed25519", "-out", keyFile.toString())).isZero();
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        AuditSigningKey key = AuditKeys.load(keyFile);
        Path publicFile = dir.resolve("openssl.pub");
        assertThat(run("openssl", "pkey", "-in", keyFile.toString(), "-pubout", "-out", publicFile.toString())).isZero();
        assertThat(AuditKeys.readPublicKey(publicFile)).isEqualTo(key.publicKey());

        Path message = Files.writeString(dir.resolve("message"), "signed by vaultgate");
        Path signature = Files.write(dir.resolve("signature"), key.sign(Files.readAllBytes(message)));
        assertThat(run("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", publicFile.toString(), "-rawin",
                "-in", message.toString(), "-sigfile", signature.toString())).isZero();
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(
                    ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException notInstalled) {
            return -1;
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
