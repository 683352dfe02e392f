package io.vaultgate.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.audit.json.CanonicalJson;
import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReceiptTest {

    /** RFC 8032 section 7.1 test 1's secret key, as PKCS#8 PEM: a fixed key for the known-answer vector. */
    static final String RFC8032_KEY = "-----BEGIN PRIVATE KEY-----\n"
            + "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n";
    static final Receipt RECEIPT = new Receipt("f_0123456789abcdef0123456789abcdef", TenantId.of("acme"),
            "/inbox/payroll 2026-11.csv", 1048576, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            Instant.parse("2026-11-28T10:15:30.123456Z"));

    @TempDir
    Path dir;
    private AuditSigningKey key;
    private ReceiptVerifier verifier;

    @BeforeEach
    void fixedKey() throws IOException {
        Path file = Files.writeString(dir.resolve("audit-signing.key"), RFC8032_KEY);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        key = AuditKeys.load(file);
        verifier = new ReceiptVerifier(key.publicKey());
    }

    @Test
    void signedReceipt_verifiesOffline_andGivesBackTheReceiptToTheMillisecond() {
        String text = new ReceiptSigner(key).sign(RECEIPT).toText();
        Receipt verified = verifier.verify(text);
        assertThat(verified.fileId()).isEqualTo(RECEIPT.fileId());
        assertThat(verified.committedAt()).isEqualTo("2026-11-28T10:15:30.123Z");
        assertThat(verifier.verify("  " + text + "\n")).as("surrounding whitespace of a stored file").isEqualTo(verified);
    }

    @Test
    void knownAnswer_payloadAndSignatureAreStable() {
        SignedReceipt signed = new ReceiptSigner(key).sign(RECEIPT);
        assertThat(new String(signed.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"committed_at\":\"2026-11-28T10:15:30.123Z\","
                + "\"file\":\"f_0123456789abcdef0123456789abcdef\",\"key\":\"" + key.keyId() + "\","
                + "\"path\":\"/inbox/payroll 2026-11.csv\",\"sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\","
                + "\"size\":1048576,\"tenant\":\"acme\",\"type\":\"vaultgate.receipt.v1\"}");
        assertThat(key.keyId()).isEqualTo("06e3fd8fda29bb60ab59557de61edb0aecdb231134be30e75b455f8e1b792fa9");
        assertThat(key.publicKey().toPem()).contains("MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
        assertThat(signed.toText()).isEqualTo(KNOWN_TEXT);
    }

    /** Checked independently: {@code openssl pkeyutl -verify -rawin} accepts the signature over the payload. */
    static final String KNOWN_TEXT = "vgr1.eyJjb21taXR0ZWRfYXQiOiIyMDI2LTExLTI4VDEwOjE1OjMwLjEyM1oiLCJmaWxlIjoiZl8wMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiIsImtleSI6IjA2ZTNmZDhmZGEyOWJiNjBhYjU5NTU3ZGU2MWVkYjBhZWNkYjIzMTEzNGJlMzBlNzViNDU1ZjhlMWI3OTJmYTkiLCJwYXRoIjoiL2luYm94L3BheXJvbGwgMjAyNi0xMS5jc3YiLCJzaGEyNTYiOiI5Zjg2ZDA4MTg4NGM3ZDY1OWEyZmVhYTBjNTVhZDAxNWEzYmY0ZjFiMmIwYjgyMmNkMTVkNmMxNWIwZjAwYTA4Iiwic2l6ZSI6MTA0ODU3NiwidGVuYW50IjoiYWNtZSIsInR5cGUiOiJ2YXVsdGdhdGUucmVjZWlwdC52MSJ9"
            + ".UAES3I9Wbmne0jcK3dXhGfxg-T8k-Zzbs5jMw_bFKEHJe5Pu1DkJyi9E2WB-InTPrq8E9BjB5Bf3inC1HnKoBQ";

    @ParameterizedTest
    @CsvSource({"file,f_other", "tenant,globex", "path,/inbox/other.csv", "sha256,0000000000000000000000000000000000000000000000000000000000000000",
            "committed_at,2026-11-28T10:15:31.123Z"})
    void anyChangedTextField_isRejected(String field, String value) {
        assertThatThrownBy(() -> verifier.verify(withField(field, value))).isInstanceOf(InvalidReceiptException.class)
                .hasMessageContaining("altered or forged");
    }

    @Test
    void changedSize_isRejected() {
        assertThatThrownBy(() -> verifier.verify(withField("size", 1048577L)))
                .isInstanceOf(InvalidReceiptException.class).hasMessageContaining("altered or forged");
    }

    @Test
    void receiptOfAnotherKey_isRejected_evenWhenItNamesOurKey() {
        AuditSigningKey other = AuditSigningKey.generate(new SecureRandom());
        String theirs = new ReceiptSigner(other).sign(RECEIPT).toText();
        assertThatThrownBy(() -> verifier.verify(theirs)).hasMessageContaining("signed by another key");
        String relabelled = withField(theirs, "key", key.keyId());
        assertThatThrownBy(() -> verifier.verify(relabelled)).hasMessageContaining("altered or forged");
    }

    @Test
    void flippedSignatureBit_isRejected() {
        String text = new ReceiptSigner(key).sign(RECEIPT).toText();
        int dot = text.lastIndexOf('.');
        byte[] signature = Base64.getUrlDecoder().decode(text.substring(dot + 1));
        signature[10] ^= 1;
        String flipped = text.substring(0, dot + 1) + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        assertThatThrownBy(() -> verifier.verify(flipped)).hasMessageContaining("altered or forged");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "hello", "vgr1.", "vgr1.abc", "vgr1.!!!.abc", "vgr2.e30.AAAA", "vgr1.e30.AAAA", "vgr1.W10.AAAA"})
    void malformedText_isRejectedWithAReason(String text) {
        assertThatThrownBy(() -> verifier.verify(text)).isInstanceOf(InvalidReceiptException.class)
                .hasMessageMatching("(not a Vaultgate receipt|the receipt|the payload|the receipt payload).*");
    }

    @Test
    void nonCanonicalPayload_isRejected_soNoTwoTextsCarryOneSignature() {
        SignedReceipt signed = new ReceiptSigner(key).sign(RECEIPT);
        String spaced = new String(signed.payload(), StandardCharsets.UTF_8).replace(",", ", ");
        String text = SignedReceipt.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(
                spaced.getBytes(StandardCharsets.UTF_8)) + "." + signed.toText().substring(signed.toText().lastIndexOf('.') + 1);
        assertThatThrownBy(() -> verifier.verify(text)).hasMessageContaining("canonical");
    }

    private String withField(String field, Object value) {
        return withField(new ReceiptSigner(key).sign(RECEIPT).toText(), field, value);
    }

    /** Re-encodes the payload with one field changed, keeping the original signature: a forgery attempt. */
    private static String withField(String text, String field, Object value) {
        String[] parts = text.substring(SignedReceipt.PREFIX.length()).split("\\.");
        Map<String, Object> json = JsonReader.parseObject(new String(Base64.getUrlDecoder().decode(parts[0]),
                StandardCharsets.UTF_8));
        json.put(field, value);
        return SignedReceipt.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(CanonicalJson.bytes(json))
                + "." + parts[1];
    }
}
