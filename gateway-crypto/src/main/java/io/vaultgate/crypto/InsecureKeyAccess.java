package io.vaultgate.crypto;

/**
 * A token that code must pass to read or import raw key bytes.
 *
 * <p>It grants nothing by itself; it makes every place that touches raw key material visible in
 * code review and searchable ({@code InsecureKeyAccess.get()}), as Tink's {@code
 * InsecureSecretKeyAccess} does. Only key providers and the envelope internals should call it.
 */
public final class InsecureKeyAccess {
  private static final InsecureKeyAccess INSTANCE = new InsecureKeyAccess();

  private InsecureKeyAccess() {}

  /** Returns the access token. Every caller is a place where raw key bytes leave their class. */
  public static InsecureKeyAccess get() {
    return INSTANCE;
  }
}
