package io.vaultgate.https;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.https.testing.TestTls;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server key must be the one its certificate was issued for: checked when the material is made. */
class TlsMaterialTest {

    @TempDir
    Path dir;

    @Test
    void aKeyThatIsNotTheCertificates_isRefusedWhenTheMaterialIsMade_notAtEveryHandshake() throws Exception {
        TlsMaterial good = TestTls.create(dir).serverMaterial();
        String algorithm = good.key().getAlgorithm().equals("ECDSA") ? "EC" : good.key().getAlgorithm();
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        PrivateKey other = generator.generateKeyPair().getPrivate();

        assertThat(TlsMaterial.of(good.key(), good.chain()).chain()).isEqualTo(good.chain());
        assertThatThrownBy(() -> TlsMaterial.of(other, good.chain()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the certificate")
                .hasMessageContaining(good.chain().get(0).getSubjectX500Principal().getName());
    }
}
