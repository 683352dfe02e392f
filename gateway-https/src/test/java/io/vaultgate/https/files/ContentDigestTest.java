package io.vaultgate.https.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.vaultgate.https.http.HttpProblem;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ContentDigestTest {

    private static final byte[] SHA = new byte[32];
    private static final String B64 = Base64.getEncoder().encodeToString(SHA);

    @Test
    void sha256Member_isFoundAmongOtherAlgorithms() {
        assertThat(ContentDigest.sha256Member("sha-512=:AAAA:, sha-256=:" + B64 + ":")).isEqualTo(SHA);
        assertThat(ContentDigest.sha256Member("SHA-256=:" + B64 + ":;param=1")).isEqualTo(SHA);
    }

    @Test
    void onlyUnknownAlgorithms_areIgnored() {
        assertThat(ContentDigest.sha256Member("md5=:AAAA:")).isNull();
    }

    @Test
    void malformedSha256_isRefused() {
        assertThatThrownBy(() -> ContentDigest.sha256Member("sha-256=" + B64)).isInstanceOf(HttpProblem.class);
        assertThatThrownBy(() -> ContentDigest.sha256Member("sha-256=:AAAA:")).isInstanceOf(HttpProblem.class);
        assertThatThrownBy(() -> ContentDigest.sha256Member("sha-256=:!!:")).isInstanceOf(HttpProblem.class);
    }

    @Test
    void bothFields_areRead() {
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        headers.set("Content-Digest", "sha-256=:" + B64 + ":").set("Repr-Digest", "sha-256=:" + B64 + ":");
        assertThat(ContentDigest.sha256Values(headers)).hasSize(2);
    }

    @Test
    void format_roundTripsAHexDigest() {
        String hex = "00".repeat(32);
        assertThat(ContentDigest.sha256Member(ContentDigest.format(hex))).isEqualTo(SHA);
    }
}
