package io.vaultgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.testing.CatalogIndependent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import org.junit.jupiter.api.Test;

@CatalogIndependent
class SshPublicKeyTest {

    // Generated with ssh-keygen -t ed25519; fingerprint printed by ssh-keygen -lf.
    private static final String ED25519 =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko demo@host";
    private static final String ED25519_FINGERPRINT = "SHA256:XZAbVVMB7KOYy8d1svBVu4ov4OeDXCfS6rqxB5Nnac4";

    @Test
    void ed25519Key_parsesWithOpenSshFingerprint() {
        SshPublicKey key = SshPublicKey.parse(ED25519);
        assertThat(key.type()).isEqualTo("ssh-ed25519");
        assertThat(key.fingerprint()).isEqualTo(ED25519_FINGERPRINT);
        assertThat(key.openSshLine()).doesNotContain("demo@host");
    }

    @Test
    void rsaKeyBelow2048Bits_isRejected() throws Exception {
        assertThatThrownBy(() -> SshPublicKey.parse(rsaLine(1024))).hasMessageContaining("1024 bits");
        assertThat(SshPublicKey.parse(rsaLine(3072)).type()).isEqualTo("ssh-rsa");
    }

    @Test
    void unsupportedTypesAndMismatchedBlobs_areRejected() {
        assertThatThrownBy(() -> SshPublicKey.parse("ssh-dss AAAAB3NzaC1kc3M=")).hasMessageContaining("unsupported");
        String lying = "ssh-rsa " + ED25519.split(" ")[1];
        assertThatThrownBy(() -> SshPublicKey.parse(lying)).hasMessageContaining("encodes");
        assertThatThrownBy(() -> SshPublicKey.parse("ssh-ed25519 !!!")).hasMessageContaining("base64");
        assertThatThrownBy(() -> SshPublicKey.parse("ssh-ed25519 AAAA")).hasMessageContaining("truncated");
    }

    private static String rsaLine(int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(blob);
        writeString(out, "ssh-rsa".getBytes(StandardCharsets.US_ASCII));
        writeString(out, key.getPublicExponent().toByteArray());
        writeString(out, key.getModulus().toByteArray());
        return "ssh-rsa " + Base64.getEncoder().encodeToString(blob.toByteArray());
    }

    private static void writeString(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }
}
