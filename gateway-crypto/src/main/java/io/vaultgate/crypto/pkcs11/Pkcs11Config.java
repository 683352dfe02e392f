package io.vaultgate.crypto.pkcs11;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the HSM is: the PKCS#11 module (shared library) and which of its tokens holds the KEKs, selected either by
 * the token's label or by its slot id (exactly one), and optionally checked by its serial number. The user PIN is
 * passed separately and never stored in a record.
 *
 * @param name a short name for the JCA provider instance (letters, digits, dash)
 * @param library absolute path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so
 * @param slot the slot id as the module reports it ({@code softhsm2-util --show-slots}); -1 when the label selects
 * @param tokenLabel the token's label ({@code softhsm2-util --init-token --label}); empty when the slot selects
 * @param tokenSerial the token's serial number, checked whichever selects; empty for no check
 */
public record Pkcs11Config(String name, Path library, long slot, String tokenLabel, String tokenSerial) {
  public Pkcs11Config {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(tokenLabel, "tokenLabel");
    Objects.requireNonNull(tokenSerial, "tokenSerial");
    if (!name.matches("[A-Za-z0-9-]{1,32}")) {
      throw new IllegalArgumentException("pkcs11 name must be 1-32 letters, digits or dashes");
    }
    if (!library.isAbsolute()) {
      throw new IllegalArgumentException("pkcs11 library must be an absolute path: " + library);
    }
    if (slot < -1) {
      throw new IllegalArgumentException("pkcs11 slot must be >= 0 (or -1 for none), was " + slot);
    }
    if ((slot >= 0) == !tokenLabel.isEmpty()) {
      throw new IllegalArgumentException("pkcs11 token: give exactly one of a slot and a token label");
    }
    if (tokenLabel.getBytes(StandardCharsets.UTF_8).length > 32 || tokenSerial.length() > 16) {
      throw new IllegalArgumentException("pkcs11 token label (32 bytes of UTF-8) or serial number (16) too long");
    }
  }

  /** The token in {@code slot}, whatever it is (no label, no serial checked). */
  public Pkcs11Config(String name, Path library, long slot) {
    this(name, library, slot, "", "");
  }

  /** Whether the token's label selects it (else its slot id). */
  public boolean byLabel() {
    return !tokenLabel.isEmpty();
  }

  /** How the token is selected, for messages: {@code slot 385663214} or {@code token 'vaultgate'}. */
  public String selection() {
    return (byLabel() ? "token '" + tokenLabel + "'" : "slot " + slot)
        + (tokenSerial.isEmpty() ? "" : " serial '" + tokenSerial + "'");
  }

  /** The SunPKCS11 configuration of the token this record selects by slot (see {@link #sunPkcs11Config(long)}). */
  String sunPkcs11Config() {
    if (byLabel()) {
      throw new IllegalStateException("the token is selected by label; find its slot first (TokenSlots.select)");
    }
    return sunPkcs11Config(slot);
  }

  /**
   * The SunPKCS11 configuration for the token in {@code slotId}. Generated keys are sensitive and not extractable,
   * so a KEK never leaves the token in plaintext; storing one under an alias copies it to a token object.
   */
  String sunPkcs11Config(long slotId) {
    return "--name = " + name + "\n"
        + "library = " + library + "\n"
        + "slot = " + slotId + "\n"
        + "attributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n"
        + "  CKA_SENSITIVE = true\n"
        + "  CKA_EXTRACTABLE = false\n"
        + "  CKA_ENCRYPT = true\n"
        + "  CKA_DECRYPT = true\n"
        + "}\n";
  }
}
