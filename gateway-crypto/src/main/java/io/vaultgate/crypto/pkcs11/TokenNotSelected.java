package io.vaultgate.crypto.pkcs11;

import io.vaultgate.crypto.CryptoException;
import java.util.Optional;

/**
 * Why a PKCS#11 provider found no token to open: the configured label, serial number or slot selects none of the
 * tokens the module lists, or more than one. It is the cause of the {@link CryptoException.ProviderUnavailable} that
 * the token's selection throws ({@link #unavailable}), so that a caller choosing advice for the operator asks for it
 * by type ({@link #in}) rather than by the words of the message.
 */
public final class TokenNotSelected extends Exception {

  private static final long serialVersionUID = 1L;
  /** How deep a chain of causes {@link #in} follows. */
  private static final int MAX_CAUSES = 16;

  /** Which part of the configured selection matched no token, or not exactly one. */
  public enum Reason {
    /** No token has the configured label. */
    NO_SUCH_LABEL,
    /** Tokens have the label, none has the configured serial number. */
    NO_SUCH_SERIAL,
    /** More than one token has the label, and no serial number singles one out. */
    LABEL_NOT_UNIQUE,
    /** The configured slot holds no token. */
    EMPTY_SLOT,
    /** The token selected has another serial number than the configured one. */
    WRONG_SERIAL
  }

  private final Reason reason;

  private TokenNotSelected(Reason reason, String message) {
    super(message, null, false, false); // a cause's label: no stack trace of its own
    this.reason = reason;
  }

  /** The provider failure to throw: {@code message} names what was looked for and what the module lists. */
  public static CryptoException.ProviderUnavailable unavailable(Reason reason, String message) {
    return new CryptoException.ProviderUnavailable(message, new TokenNotSelected(reason, "token not selected: "
        + reason)); // the message once: it lists every token's label and serial number
  }

  /** Why {@code failure}, or a failure it wraps, is a token not selected; empty for any other failure. */
  public static Optional<Reason> in(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) { // bounded: a cycle ends
      if (t instanceof TokenNotSelected notSelected) {
        return Optional.of(notSelected.reason);
      }
    }
    return Optional.empty();
  }

  public Reason reason() {
    return reason;
  }
}
