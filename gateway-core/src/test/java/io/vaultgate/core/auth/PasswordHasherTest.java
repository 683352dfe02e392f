package io.vaultgate.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.CatalogIndependent;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

@CatalogIndependent
class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher(new SecureRandom());

    @Test
    void rightPassword_verifies_wrongOneDoesNot() {
        String hash = hasher.hash("correct horse battery".toCharArray());
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(hasher.verify("correct horse battery".toCharArray(), hash)).isTrue();
        assertThat(hasher.verify("correct horse batterY".toCharArray(), hash)).isFalse();
    }

    @Test
    void samePassword_hashesDifferentlyEachTime() {
        assertThat(hasher.hash("p".toCharArray())).isNotEqualTo(hasher.hash("p".toCharArray()));
    }

    @Test
    void malformedStoredHash_neverMatches() {
        assertThat(hasher.verify("p".toCharArray(), "")).isFalse();
        assertThat(hasher.verify("p".toCharArray(), "$argon2i$v=19$m=8,t=1,p=1$AAAA$AAAA")).isFalse();
        assertThat(hasher.verify("p".toCharArray(), "$argon2id$v=19$x=8,t=1,p=1$AAAA$AAAA")).isFalse();
        assertThat(hasher.verify("p".toCharArray(), "$argon2id$v=19$m=8,t=1,p=1$!!$AAAA")).isFalse();
    }
}
