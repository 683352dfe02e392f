package io.vaultgate.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.testing.CatalogIndependent;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AuditSigningKey#derivedSecret}: what the tus upload URLs' MAC key comes from. */
@CatalogIndependent
class DerivedSecretTest {

    @TempDir
    Path dir;

    @Test
    void theSameKeyFile_derivesTheSameSecret_onEveryLoad_andEachPurposeItsOwn() throws IOException {
        Path keyFile = dir.resolve("audit-signing.key");
        AuditSigningKey created = AuditKeys.loadOrCreate(keyFile, new SecureRandom());
        AuditSigningKey loaded = AuditKeys.load(keyFile);
        AuditSigningKey other = AuditSigningKey.generate(new SecureRandom());

        byte[] secret = created.derivedSecret("vaultgate.https.tus-url.v1");

        assertThat(secret).hasSize(32).isEqualTo(loaded.derivedSecret("vaultgate.https.tus-url.v1"));
        assertThat(created.derivedSecret("vaultgate.https.tus-url.v2")).isNotEqualTo(secret);
        assertThat(other.derivedSecret("vaultgate.https.tus-url.v1")).isNotEqualTo(secret);
    }

    @Test
    void theAuditTagKeysLabels_areNotForOtherPurposes() {
        AuditSigningKey key = AuditSigningKey.generate(new SecureRandom());

        assertThatThrownBy(() -> key.derivedSecret("vaultgate.audit.tag-root.v1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> key.derivedSecret("")).isInstanceOf(IllegalArgumentException.class);
    }
}
