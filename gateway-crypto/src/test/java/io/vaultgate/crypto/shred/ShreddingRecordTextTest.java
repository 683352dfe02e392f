package io.vaultgate.crypto.shred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A shredding record verifies only as the exact text that was signed: a text that parses to the same record
 * but is other bytes (trailing empty key ids, a time with an offset) is refused, so `vaultgate tenant
 * verify-shred` and a check of the signature over the file's bytes with OpenSSL agree on every file.
 */
class ShreddingRecordTextTest {
  private final ShreddingSigner signer = ShreddingSigner.generate();
  private final SignedShreddingRecord signed = signer.sign(new ShreddingRecord(ShreddingRecord.Kind.TENANT, "acme",
      null, "keystore", List.of("acme/v1", "acme/v2"), Instant.parse("2026-11-28T18:00:00Z"), "alice"));

  @Test
  void theSignedText_parsesAndVerifies() {
    assertThat(SignedShreddingRecord.parse(signed.toText()).verify(signer.publicKey())).isTrue();
  }

  @Test
  void trailingEmptyKeyIds_areRefused() {
    String altered = signed.toText().replace("keys=acme/v1,acme/v2\n", "keys=acme/v1,acme/v2,,\n");

    assertThatThrownBy(() -> SignedShreddingRecord.parse(altered))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("canonical");
  }

  @Test
  void theSameInstantWrittenWithAnOffset_isRefused() {
    String altered = signed.toText().replace("at=2026-11-28T18:00:00Z\n", "at=2026-11-28T19:00:00+01:00\n");

    assertThatThrownBy(() -> SignedShreddingRecord.parse(altered))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("canonical");
  }
}
