package io.vaultgate.core.receipt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.audit.json.CanonicalJson;
import io.vaultgate.core.audit.json.JsonReader;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.CatalogIndependent;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@CatalogIndependent
class ReceiptTest {

    static final Receipt RECEIPT = new Receipt("f_0123456789abcdef0123456789abcdef", TenantId.of("acme"),
            "/inbox/payroll 2026-11.csv", 1048576, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            Instant.parse("2026-11-28T10:15:30.123456Z"));

    private final AuditSigningKey key = AuditSigningKey.generate(new SecureRandom());
    private final ReceiptVerifier verifier = new ReceiptVerifier(key.publicKey());

    @Test
    void signedReceipt_verifiesOffline_andGivesBackTheReceiptToTheMillisecond() {
        String text = new ReceiptSigner(key).sign(RECEIPT).toText();
        Receipt verified = verifier.verify(text);
        assertThat(verified.fileId()).isEqualTo(RECEIPT.fileId());
        assertThat(verified.committedAt()).isEqualTo("2026-11-28T10:15:30.123Z");
        assertThat(verifier.verify("  " + text + "\n")).as("surrounding whitespace of a stored file").isEqualTo(verified);
    }

    @Test
    void payloadLayout_andSignature_checkOutWithAnIndependentEd25519Implementation() throws Exception {
        SignedReceipt signed = new ReceiptSigner(key).sign(RECEIPT);
        assertThat(new String(signed.payload(), StandardCharsets.UTF_8)).isEqualTo("{\"committed_at\":\"2026-11-28T10:15:30.123Z\","
                + "\"file\":\"f_0123456789abcdef0123456789abcdef\",\"key\":\"" + key.keyId() + "\","
                + "\"path\":\"/inbox/payroll 2026-11.csv\",\"sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\","
                + "\"size\":1048576,\"tenant\":\"acme\",\"type\":\"vaultgate.receipt.v1\"}");

        String pem = key.publicKey().toPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(pem);
        assertThat(key.keyId()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der)));
        Signature ed25519 = Signature.getInstance("Ed25519");
        ed25519.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der)));
        ed25519.update(signed.payload());
        assertThat(ed25519.verify(signed.signature())).isTrue();
    }

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
