package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.testing.CatalogIndependent;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@CatalogIndependent
class ForwardProtocolTest {

    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void reprDigest_knownAnswer_forTheEmptyString() {
        assertThat(ForwardProtocol.reprDigest(EMPTY_SHA256))
                .isEqualTo("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
        assertThat(ForwardProtocol.sha256Hex("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"))
                .contains(EMPTY_SHA256);
    }

    @Test
    void reprDigest_picksSha256AmongOtherAlgorithms() {
        assertThat(ForwardProtocol.sha256Hex("sha-512=:AAAA:, sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"))
                .contains(EMPTY_SHA256);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "sha-256=47DEQpj8HBSa", "sha-256=:AAAA:", "sha-512=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
            "sha-256=:!!!:"})
    void malformedOrForeignDigests_giveNothing(String field) {
        assertThat(ForwardProtocol.sha256Hex(field)).isEmpty();
    }

    @Test
    void paths_roundTrip_throughPercentEncoding() {
        String path = "/inbox/pay roll/März 100%/日本.csv";
        String encoded = ForwardProtocol.encodePath(path);
        assertThat(encoded).isEqualTo("/inbox/pay%20roll/M%C3%A4rz%20100%25/%E6%97%A5%E6%9C%AC.csv");
        assertThat(ForwardProtocol.decodePath(encoded)).isEqualTo(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%", "/a%2", "/a%zz", "/a%C3", "/a b"})
    void badEncodings_areRefused(String encoded) {
        assertThatThrownBy(() -> ForwardProtocol.decodePath(encoded)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retryDelays_doubleWithJitter_upToTheCap() {
        RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(5), Duration.ofMinutes(1));
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 200; i++) {
            assertThat(policy.delayAfter(1, random)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
            assertThat(policy.delayAfter(3, random)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
            assertThat(policy.delayAfter(60, random)).isBetween(Duration.ofSeconds(30), Duration.ofMinutes(1));
        }
        assertThat(policy.exhausted(9)).isFalse();
        assertThat(policy.exhausted(10)).isTrue();
    }

    @Test
    void retryPolicy_refusesNonsense() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("max-attempts");
        assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("max >= initial");
    }
}
