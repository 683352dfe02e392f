package io.vaultgate.crypto;

/**
 * Names one version of a tenant's key-encryption key. Versions start at 1 and only grow.
 */
public record KekId(String tenantId, int version) {
  public KekId {
    EnvelopeContext.validateId("tenantId", tenantId);
    if (version < 1) {
      throw new IllegalArgumentException("KEK version must be >= 1, was " + version);
    }
  }

  /** The next version of the same tenant's KEK. */
  public KekId next() {
    return new KekId(tenantId, Math.addExact(version, 1));
  }

  @Override
  public String toString() {
    return tenantId + "/v" + version;
  }
}
