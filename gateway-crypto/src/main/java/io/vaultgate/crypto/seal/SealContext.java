package io.vaultgate.crypto.seal;

import io.vaultgate.crypto.EnvelopeContext;

/**
 * What a sealed data key is bound to: the tenant and file whose envelope it opens, and the site it was
 * sealed for. All three go into the key derivation and the associated data, so a sealed key moved to
 * another file, tenant or site fails to open. Ids follow {@link EnvelopeContext#validateId}.
 */
public record SealContext(String tenantId, String fileId, String siteId) {

  public SealContext {
    EnvelopeContext.validateId("tenantId", tenantId);
    EnvelopeContext.validateId("fileId", fileId);
    EnvelopeContext.validateId("siteId", siteId);
  }

  /** The envelope this sealed key opens. */
  public EnvelopeContext envelope() {
    return new EnvelopeContext(tenantId, fileId);
  }
}
