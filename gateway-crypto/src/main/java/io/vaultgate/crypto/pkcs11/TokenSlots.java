package io.vaultgate.crypto.pkcs11;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.pkcs11.TokenNotSelected.Reason;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The tokens a PKCS#11 module reports (slot id, label, serial number), read with {@code C_GetSlotList} and {@code
 * C_GetTokenInfo}: what selecting a token by its label and checking that a slot holds the configured token need.
 * The JDK offers these calls only in its internal PKCS#11 wrapper ({@code sun.security.pkcs11.wrapper}), reached here
 * by reflection; the JVM must export that package ({@value #EXPORT_OPTION}; the gateway's jar does so in its
 * manifest, {@code Add-Exports}). The module is loaded and initialized as SunPKCS11 does it, so the provider opened
 * afterwards shares that one initialization (the JDK initializes a module once per process).
 *
 * <p>Slot ids are not stable: SoftHSM2 derives a token's id from its serial number, so a token deleted and made
 * again gets another, and many HSMs number slots by position, so adding or re-initialising a token moves others.
 * A label chosen by the operator and the serial number the token was made with are what identify a token.
 */
public final class TokenSlots {
  /** The JVM option that opens the JDK's PKCS#11 wrapper to this code. */
  public static final String EXPORT_OPTION =
      "--add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED";
  private static final String WRAPPER = "sun.security.pkcs11.wrapper.";
  private static final long CKF_OS_LOCKING_OK = 0x2L;

  /** One token as the module reports it: its slot id, label and serial number (blank padding removed). */
  public record Token(long slot, String label, String serial) {
    @Override
    public String toString() {
      return "slot " + slot + " label '" + label + "' serial '" + serial + "'";
    }
  }

  private TokenSlots() {}

  /** Whether this JVM lets the token list be read (the wrapper package exported to this code). */
  public static boolean readable() {
    try {
      Class<?> wrapper = Class.forName(WRAPPER + "PKCS11");
      return TokenSlots.class.getModule().canRead(wrapper.getModule())
          && wrapper.getModule().isExported("sun.security.pkcs11.wrapper", TokenSlots.class.getModule());
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /**
   * Every slot of {@code library} that holds a token, in the module's order.
   *
   * @throws CryptoException.ProviderUnavailable if the module cannot be loaded or listed, or this JVM does not
   *     export the JDK's PKCS#11 wrapper (the message names the option)
   */
  public static List<Token> list(String library) {
    if (!readable()) {
      throw new CryptoException.ProviderUnavailable("cannot list the tokens of PKCS#11 module " + library
          + ": the JVM does not give access to the JDK's PKCS#11 calls; start it with " + EXPORT_OPTION
          + " (java -jar vaultgate.jar does so by itself)");
    }
    try {
      Class<?> wrapper = Class.forName(WRAPPER + "PKCS11");
      Class<?> argsType = Class.forName(WRAPPER + "CK_C_INITIALIZE_ARGS");
      Object args = argsType.getConstructor().newInstance();
      argsType.getField("flags").setLong(args, CKF_OS_LOCKING_OK);
      Method getInstance = wrapper.getMethod("getInstance", String.class, String.class, argsType, boolean.class);
      Object module = getInstance.invoke(null, library, "C_GetFunctionList", args, false);
      long[] slots = (long[]) wrapper.getMethod("C_GetSlotList", boolean.class).invoke(module, true);
      Method tokenInfo = wrapper.getMethod("C_GetTokenInfo", long.class);
      List<Token> tokens = new ArrayList<>();
      for (long slot : slots) {
        Object info = tokenInfo.invoke(module, slot);
        tokens.add(new Token(slot, text(info, "label"), text(info, "serialNumber")));
      }
      return List.copyOf(tokens);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new CryptoException.ProviderUnavailable("cannot list the tokens of PKCS#11 module " + library + ": "
          + cause, cause);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new CryptoException.ProviderUnavailable("cannot list the tokens of PKCS#11 module " + library + ": "
          + e, e);
    }
  }

  /**
   * The token {@code config} selects, checked: by label, the one token that bears it (none is refused, and so are two,
   * unless the configured serial number singles one out); by slot, the token in that slot; either way its serial
   * number must be {@code config.tokenSerial()} when that is set.
   *
   * @throws CryptoException.ProviderUnavailable naming what was looked for and every token the module lists, caused
   *     by a {@link TokenNotSelected} saying which part of the selection failed
   */
  public static Token select(Pkcs11Config config) {
    return select(config, list(config.library().toString()));
  }

  static Token select(Pkcs11Config config, List<Token> tokens) {
    Token found;
    if (config.byLabel()) {
      List<Token> labelled = tokens.stream().filter(t -> t.label().equals(config.tokenLabel())).toList();
      if (labelled.isEmpty()) {
        throw TokenNotSelected.unavailable(Reason.NO_SUCH_LABEL, "no token labelled '" + config.tokenLabel()
            + "' in PKCS#11 module " + config.library() + "; it lists " + describe(tokens));
      }
      if (labelled.size() > 1 && !config.tokenSerial().isEmpty()) { // the serial number singles one out
        labelled = labelled.stream().filter(t -> t.serial().equals(config.tokenSerial())).toList();
        if (labelled.isEmpty()) {
          throw TokenNotSelected.unavailable(Reason.NO_SUCH_SERIAL, "no token labelled '" + config.tokenLabel()
              + "' has the configured serial number '" + config.tokenSerial() + "' in PKCS#11 module "
              + config.library() + "; it lists " + describe(tokens));
        }
      }
      if (labelled.size() > 1) {
        throw TokenNotSelected.unavailable(Reason.LABEL_NOT_UNIQUE, labelled.size() + " tokens are labelled '"
            + config.tokenLabel() + "' in PKCS#11 module " + config.library() + " (" + describe(labelled)
            + "): a label selects one token only; give the tokens distinct labels, or configure the token's serial "
            + "number as well");
      }
      found = labelled.get(0);
    } else {
      found = tokens.stream().filter(t -> t.slot() == config.slot()).findFirst().orElseThrow(() ->
          TokenNotSelected.unavailable(Reason.EMPTY_SLOT, "no token in slot " + config.slot() + " of PKCS#11 module "
              + config.library() + "; it lists " + describe(tokens)));
    }
    if (!config.tokenSerial().isEmpty() && !found.serial().equals(config.tokenSerial())) {
      throw TokenNotSelected.unavailable(Reason.WRONG_SERIAL, "the token selected (" + found + ") is not the "
          + "configured one: its serial number is not '" + config.tokenSerial() + "'; it lists " + describe(tokens));
    }
    return found;
  }

  private static String describe(List<Token> tokens) {
    return tokens.isEmpty() ? "no token"
        : tokens.stream().map(Token::toString).collect(Collectors.joining(", "));
  }

  /**
   * A blank-padded UTF-8 field of the token's info: the JDK's wrapper hands each of its bytes over as one char, so a
   * label with a non-ASCII character is decoded here (review26a L2), not read as one char per byte.
   */
  private static String text(Object info, String field) throws ReflectiveOperationException {
    return utf8((char[]) info.getClass().getField(field).get(info));
  }

  /** {@code padded}, one byte of UTF-8 per char, decoded and stripped of its blank padding. */
  static String utf8(char[] padded) {
    if (padded == null) {
      return "";
    }
    byte[] bytes = new byte[padded.length];
    for (int i = 0; i < padded.length; i++) {
      bytes[i] = (byte) padded[i];
    }
    return new String(bytes, StandardCharsets.UTF_8).strip();
  }
}
