package io.vaultgate.crypto;

/**
 * The identity an envelope is bound to: the tenant that owns it and the file it holds.
 *
 * <p>Both ids are written into the envelope header, mixed into the per-file payload key and bound
 * into the associated data of every wrapped data key, so a ciphertext or key slot moved to another
 * file or tenant fails authentication.
 *
 * <p>Ids are 1 to {@value #MAX_ID_LENGTH} printable ASCII characters (0x20 to 0x7e), not blank.
 */
public record EnvelopeContext(String tenantId, String fileId) {
  /** The longest tenant or file id, in characters (and bytes: ids are ASCII). */
  public static final int MAX_ID_LENGTH = 64;

  public EnvelopeContext {
    validateId("tenantId", tenantId);
    validateId("fileId", fileId);
  }

  /**
   * Checks one id against the rule every id at this layer follows.
   *
   * @throws IllegalArgumentException naming the field and the rule broken
   */
  public static String validateId(String field, String id) {
    if (id == null) {
      throw new IllegalArgumentException(field + " must not be null");
    }
    if (id.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    if (id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          field + " must be at most " + MAX_ID_LENGTH + " characters, was " + id.length());
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw new IllegalArgumentException(
            field + " must be printable ASCII; character at index " + i + " is not");
      }
    }
    return id;
  }
}
