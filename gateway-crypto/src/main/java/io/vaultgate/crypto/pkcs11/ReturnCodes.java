package io.vaultgate.crypto.pkcs11;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PKCS#11 return codes ({@code CKR_...}) SunPKCS11 names in the messages of its failures. */
final class ReturnCodes {

  private static final Pattern RETURN_CODE = Pattern.compile("CKR_[A-Z0-9_]+");

  /** The codes of a token refusing the PIN: logging in with it again counts towards the token's wrong-PIN limit. */
  private static final List<String> PIN_REFUSALS = List.of("CKR_PIN_INCORRECT", "CKR_PIN_LOCKED",
      "CKR_PIN_EXPIRED", "CKR_PIN_INVALID", "CKR_PIN_LEN_RANGE");

  private ReturnCodes() {
  }

  /** The return code somewhere in the cause chain of {@code error}, e.g. {@code CKR_PIN_INCORRECT}. */
  static Optional<String> in(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      Matcher m = RETURN_CODE.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return Optional.of(m.group());
      }
    }
    return Optional.empty();
  }

  /** Whether {@code error} is the token refusing the PIN (wrong, locked, expired, invalid). */
  static boolean pinRefused(Throwable error) {
    return in(error).filter(PIN_REFUSALS::contains).isPresent();
  }
}
