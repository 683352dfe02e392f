package io.vaultgate.core.mfa;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.CatalogIndependent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 6238 appendix B test vectors (8 digits), and the matching rules: window, replay, malformed codes. */
@CatalogIndependent
class TotpTest {

    private static final byte[] SHA1_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA256_KEY = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA512_KEY = ("1234567890123456789012345678901234567890123456789012345678901234")
            .getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @CsvSource({
            "59, 94287082, 46119246, 90693936",
            "1111111109, 07081804, 68084774, 25091201",
            "1111111111, 14050471, 67062674, 99943326",
            "1234567890, 89005924, 91819424, 93441116",
            "2000000000, 69279037, 90698825, 38618901",
            "20000000000, 65353130, 77737706, 47863826"})
    void rfc6238Vectors(long seconds, String sha1, String sha256, String sha512) {
        long step = Totp.step(Instant.ofEpochSecond(seconds));
        assertThat(Totp.code(SHA1_KEY, step, "HmacSHA1", 8)).isEqualTo(sha1);
        assertThat(Totp.code(SHA256_KEY, step, "HmacSHA256", 8)).isEqualTo(sha256);
        assertThat(Totp.code(SHA512_KEY, step, "HmacSHA512", 8)).isEqualTo(sha512);
    }

    @Test
    void sixDigitCode_isTheLastSixOfTheEightDigitOne() {
        long step = Totp.step(Instant.ofEpochSecond(59));
        assertThat(Totp.code(SHA1_KEY, step)).isEqualTo("287082");
    }

    @Test
    void matchesWithinTheWindowOnly() {
        Instant now = Instant.ofEpochSecond(1_000_000_000);
        long step = Totp.step(now);
        assertThat(Totp.match(SHA1_KEY, Totp.code(SHA1_KEY, step - 1), now, 1, 0)).hasValue(step - 1);
        assertThat(Totp.match(SHA1_KEY, Totp.code(SHA1_KEY, step + 1), now, 1, 0)).hasValue(step + 1);
        assertThat(Totp.match(SHA1_KEY, Totp.code(SHA1_KEY, step - 2), now, 1, 0)).isEmpty();
        assertThat(Totp.match(SHA1_KEY, Totp.code(SHA1_KEY, step + 2), now, 1, 0)).isEmpty();
    }

    @Test
    void aUsedStepOrAnOlderOne_neverMatchesAgain() {
        Instant now = Instant.ofEpochSecond(1_000_000_000);
        long step = Totp.step(now);
        assertThat(Totp.match(SHA1_KEY, Totp.code(SHA1_KEY, step), now, 1, step)).isEmpty();
        assertThat(Totp.match(SHA1_KEY, Totp.code(SHA1_KEY, step - 1), now, 1, step)).isEmpty();
        assertThat(Totp.match(SHA1_KEY, Totp.code(SHA1_KEY, step + 1), now, 1, step)).hasValue(step + 1);
    }

    @Test
    void malformedCodes_neverMatch() {
        Instant now = Instant.ofEpochSecond(1_000_000_000);
        for (String code : new String[] {null, "", "12345", "1234567", "12345a", " 12345", "１２３４５６"}) {
            assertThat(Totp.match(SHA1_KEY, code, now, 1, 0)).as(String.valueOf(code)).isEmpty();
        }
    }

    @Test
    void base32_matchesRfc4648() {
        assertThat(Base32.encode("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        assertThat(Base32.encode(SHA1_KEY)).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }
}
