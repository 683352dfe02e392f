package io.vaultgate.https;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.https.testing.TestTls;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpsSettingsTest {

    @TempDir
    Path dir;

    @Test
    void invalidValues_nameTheKeyAndTheFix() {
        HttpsSettings defaults = HttpsSettings.defaults(TestTls.create(dir).serverMaterial());

        assertThatThrownBy(() -> defaults.withAddress("0.0.0.0", 70000)).hasMessage(
                "https.port: 70000 is not a TCP port; give 0-65535");
        assertThatThrownBy(() -> defaults.withMaxUploadBytes(0)).hasMessageStartingWith("https.max-upload-size:");
        assertThatThrownBy(() -> defaults.withIdleTimeout(Duration.ZERO)).hasMessageStartingWith("https.idle-timeout:");
        assertThatThrownBy(() -> defaults.withClientLimits(Duration.ofSeconds(1), 0))
                .hasMessageStartingWith("https.max-connections-per-source:");
    }

    @Test
    void tlsMaterial_neverPrintsTheKey() {
        TlsMaterial material = TestTls.create(dir).serverMaterial();

        assertThat(material.toString()).contains("CN=localhost").contains("<redacted>")
                .doesNotContain(material.key().getClass().getSimpleName());
    }
}
