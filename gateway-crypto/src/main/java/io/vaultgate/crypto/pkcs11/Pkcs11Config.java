package io.vaultgate.crypto.pkcs11;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the HSM is: the PKCS#11 module (shared library) and the slot holding the token. The user
 * PIN is passed separately and never stored in a record.
 *
 * @param name a short name for the JCA provider instance (letters, digits, dash)
 * @param library absolute path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so
 * @param slot the slot id as the module reports it ({@code softhsm2-util --show-slots})
 */
public record Pkcs11Config(String name, Path library, long slot) {
  public Pkcs11Config {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(library, "library");
    if (!name.matches("[A-Za-z0-9-]{1,32}")) {
      throw new IllegalArgumentException("pkcs11 name must be 1-32 letters, digits or dashes");
    }
    if (!library.isAbsolute()) {
      throw new IllegalArgumentException("pkcs11 library must be an absolute path: " + library);
    }
    if (slot < 0) {
      throw new IllegalArgumentException("pkcs11 slot must be >= 0, was " + slot);
    }
  }

  /**
   * The SunPKCS11 configuration. Generated keys are sensitive and not extractable, so a KEK
   * never leaves the token in plaintext; storing one under an alias copies it to a token object.
   */
  String sunPkcs11Config() {
    return "--name = " + name + "\n"
        + "library = " + library + "\n"
        + "slot = " + slot + "\n"
        + "attributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n"
        + "  CKA_SENSITIVE = true\n"
        + "  CKA_EXTRACTABLE = false\n"
        + "  CKA_ENCRYPT = true\n"
        + "  CKA_DECRYPT = true\n"
        + "}\n";
  }
}
