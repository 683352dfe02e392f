package io.vaultgate.core.ingest;

import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.path.VirtualPath;

/**
 * The one way bytes enter the gateway, whatever the protocol: authorize the principal for the path and
 * its tenant's policy, then stream through encryption into the store.
 */
public interface IngestService {

    Upload open(Principal principal, VirtualPath path, UploadMode mode);
}
