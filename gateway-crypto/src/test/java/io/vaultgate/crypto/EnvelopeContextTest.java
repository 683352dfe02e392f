package io.vaultgate.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvelopeContextTest {
  @ParameterizedTest
  @ValueSource(strings = {"", " ", "   ", "caf\u00e9", "tab\there", "new\nline", "nul\u0000"})
  void invalidIds_areRejectedWithTheFieldName(String id) {
    assertThatThrownBy(() -> new EnvelopeContext(id, "file-1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tenantId");
    assertThatThrownBy(() -> new EnvelopeContext("tenant", id))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fileId");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 63, 64})
  void idsUpTo64Characters_areAccepted(int length) {
    String id = "x".repeat(length);
    assertThat(new EnvelopeContext(id, id).tenantId()).hasSize(length);
  }

  @ParameterizedTest
  @ValueSource(ints = {65, 200})
  void idsOver64Characters_areRejected(int length) {
    assertThatThrownBy(() -> new EnvelopeContext("x".repeat(length), "f"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 64");
  }
}
