package io.vaultgate.crypto.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeySlot;
import io.vaultgate.crypto.pkcs11.TokenNotSelected.Reason;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Selecting the token by its label instead of its slot id, and checking that the token found is the configured one
 * (its serial number), on real SoftHSM2 tokens: the fixture's, a second one, and two bearing one label.
 */
class Pkcs11TokenSelectionTest {
  private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);

  private static TokenSlots.Token listed(long slot) {
    return TokenSlots.list(SoftHsm.library().toString()).stream().filter(t -> t.slot() == slot).findFirst()
        .orElseThrow();
  }

  private static Pkcs11Config byLabel(String label, String serial) {
    return new Pkcs11Config("vaultgate-test", SoftHsm.library(), -1, label, serial);
  }

  /** review26a L2: the JDK's wrapper gives a label's UTF-8 bytes one per char; "Zürich" must read as itself. */
  @Test
  void aLabelWithANonAsciiCharacter_isReadAsItsUtf8() {
    byte[] utf8 = "Zürich".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    char[] padded = new char[32];
    java.util.Arrays.fill(padded, ' ');
    for (int i = 0; i < utf8.length; i++) {
      padded[i] = (char) (utf8[i] & 0xff);
    }
    assertThat(TokenSlots.utf8(padded)).isEqualTo("Zürich");
  }

  @Test
  void theTokenList_namesEachTokenWithItsSlotLabelAndSerial() {
    SoftHsm.token();
    long other = SoftHsm.slots(SoftHsm.OTHER).get(0);
    assertThat(listed(SoftHsm.token().slot()).label()).isEqualTo(SoftHsm.LABEL);
    assertThat(listed(other).label()).isEqualTo(SoftHsm.OTHER);
    assertThat(listed(other).serial()).isNotEmpty().isNotEqualTo(listed(SoftHsm.token().slot()).serial());
  }

  @Test
  void aLabel_selectsItsToken_andItsKeysAreThatTokensOnly() {
    long other = SoftHsm.slots(SoftHsm.OTHER).get(0);
    EnvelopeContext ctx = new EnvelopeContext(tenant, "f1");
    DataKey dek = DataKey.generate();
    KeySlot slot;
    try (Pkcs11KeyProvider p = Pkcs11KeyProvider.open(byLabel(SoftHsm.OTHER, ""), SoftHsm.PIN)) {
      assertThat(p.token()).hasValueSatisfying(t -> assertThat(t.slot()).isEqualTo(other));
      p.ensureTenant(tenant);
      slot = p.wrap(ctx, dek);
    }
    try (Pkcs11KeyProvider bySlot = Pkcs11KeyProvider.open(new Pkcs11Config("vaultgate-test", SoftHsm.library(),
        other), SoftHsm.PIN)) {
      assertThat(bySlot.unwrap(ctx, slot)).isEqualTo(dek);
    }
    try (Pkcs11KeyProvider first = Pkcs11KeyProvider.open(SoftHsm.token(), SoftHsm.PIN)) {
      assertThat(first.versions(tenant)).as("the fixture's token holds nothing of it").isEmpty();
    }
  }

  @Test
  void theTokensOwnSerial_isAccepted_anotherTokensIsRefused_whicheverSelects() {
    TokenSlots.Token first = listed(SoftHsm.token().slot());
    TokenSlots.Token other = listed(SoftHsm.slots(SoftHsm.OTHER).get(0));
    try (Pkcs11KeyProvider p = Pkcs11KeyProvider.open(byLabel(SoftHsm.LABEL, first.serial()), SoftHsm.PIN)) {
      assertThat(p.token()).contains(first);
    }
    assertThatThrownBy(() -> Pkcs11KeyProvider.open(byLabel(SoftHsm.LABEL, other.serial()), SoftHsm.PIN))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("is not the configured one: its serial number is not '" + other.serial() + "'")
        .hasMessageContaining(first.toString());
    Pkcs11Config slotWithOthersSerial = new Pkcs11Config("vaultgate-test", SoftHsm.library(), first.slot(), "",
        other.serial());
    assertThatThrownBy(() -> Pkcs11KeyProvider.open(slotWithOthersSerial, SoftHsm.PIN))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("is not the configured one");
  }

  @Test
  void anUnknownLabel_isRefused_listingTheTokens() {
    assertThatThrownBy(() -> Pkcs11KeyProvider.open(byLabel("no-such-token", ""), SoftHsm.PIN))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("no token labelled 'no-such-token'")
        .hasMessageContaining("label '" + SoftHsm.LABEL + "'").hasMessageContaining("label '" + SoftHsm.OTHER + "'")
        .hasMessageNotContaining(new String(SoftHsm.PIN));
  }

  @Test
  void aLabelTwoTokensBear_isRefused_namingBoth() {
    assertThatThrownBy(() -> Pkcs11KeyProvider.open(byLabel(SoftHsm.TWIN, ""), SoftHsm.PIN))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("2 tokens are labelled '" + SoftHsm.TWIN + "'")
        .hasMessageContaining("slot " + SoftHsm.slots(SoftHsm.TWIN).get(0))
        .hasMessageContaining("slot " + SoftHsm.slots(SoftHsm.TWIN).get(1));
  }

  @Test
  void aLabelTwoTokensBear_withTheSerialNumberOfOne_selectsThatOne() {
    TokenSlots.Token second = listed(SoftHsm.slots(SoftHsm.TWIN).get(1));
    try (Pkcs11KeyProvider p = Pkcs11KeyProvider.open(byLabel(SoftHsm.TWIN, second.serial()), SoftHsm.PIN)) {
      assertThat(p.token()).contains(second);
    }
    TokenSlots.Token other = listed(SoftHsm.slots(SoftHsm.OTHER).get(0));
    assertThatThrownBy(() -> Pkcs11KeyProvider.open(byLabel(SoftHsm.TWIN, other.serial()), SoftHsm.PIN))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("no token labelled '" + SoftHsm.TWIN + "' has the configured serial number");
  }

  @Test
  void aSlotAndALabelTogether_orNeither_isRefused() {
    assertThatThrownBy(() -> new Pkcs11Config("x", SoftHsm.library(), 3, "label", ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one");
    assertThatThrownBy(() -> new Pkcs11Config("x", SoftHsm.library(), -1, "", ""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one");
  }

  /**
   * review L7: each way the selection fails says which by type ({@link TokenNotSelected}), so the gateway's advice
   * need not match the words of the message; the message stays as it was.
   */
  @Test
  void everySelectionFailure_saysWhichPartFailed_byType() {
    List<TokenSlots.Token> tokens = List.of(new TokenSlots.Token(1, "alone", "S1"),
        new TokenSlots.Token(2, "twin", "S2"), new TokenSlots.Token(3, "twin", "S3"));
    assertThat(reason(byLabel("none", ""), tokens)).isEqualTo(Reason.NO_SUCH_LABEL);
    assertThat(reason(byLabel("twin", "S9"), tokens)).isEqualTo(Reason.NO_SUCH_SERIAL);
    assertThat(reason(byLabel("twin", ""), tokens)).isEqualTo(Reason.LABEL_NOT_UNIQUE);
    assertThat(reason(new Pkcs11Config("x", SoftHsm.library(), 7), tokens)).isEqualTo(Reason.EMPTY_SLOT);
    assertThat(reason(byLabel("alone", "S2"), tokens)).isEqualTo(Reason.WRONG_SERIAL);
    assertThat(reason(new Pkcs11Config("x", SoftHsm.library(), 1, "", "S2"), tokens)).isEqualTo(Reason.WRONG_SERIAL);
    assertThat(catchThrowable(() -> TokenSlots.select(byLabel("none", ""), tokens)))
        .hasMessage("no token labelled 'none' in PKCS#11 module " + SoftHsm.library() + "; it lists "
            + "slot 1 label 'alone' serial 'S1', slot 2 label 'twin' serial 'S2', slot 3 label 'twin' serial 'S3'");
  }

  private static Reason reason(Pkcs11Config config, List<TokenSlots.Token> tokens) {
    Throwable thrown = catchThrowable(() -> TokenSlots.select(config, tokens));
    assertThat(thrown).isInstanceOf(CryptoException.ProviderUnavailable.class);
    return TokenNotSelected.in(thrown).orElseThrow(() -> new AssertionError("no TokenNotSelected in " + thrown));
  }
}
