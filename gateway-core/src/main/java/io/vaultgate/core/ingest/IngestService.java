package io.vaultgate.core.ingest;

import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.path.VirtualPath;
import java.util.Optional;

/**
 * The one way bytes enter the gateway, whatever the protocol: authorize the principal for the path and
 * its tenant's policy, then stream through encryption into the store.
 */
public interface IngestService {

    Upload open(Principal principal, VirtualPath path, UploadMode mode);

    /**
     * Like {@link #open(Principal, VirtualPath, UploadMode)} for a file whose final size the client announced
     * before sending it (an HTTP {@code Content-Length}, a tus {@code Upload-Length}): a size above the
     * tenant's maximum file size is refused here, before any byte is read, with reason {@code QUOTA_EXCEEDED}
     * and a {@link FileTooLarge} cause. Writes past the limit fail whatever was announced.
     *
     * @param announcedSize the file's final size in bytes, or {@code -1} when not known in advance
     */
    default Upload open(Principal principal, VirtualPath path, UploadMode mode, long announcedSize) {
        return open(principal, path, mode);
    }

    /**
     * The progress of the principal's upload {@code fileId} at {@code path} (the id {@link Upload#fileId()}
     * gave), read without resuming it: empty once it was discarded, replaced by a newer upload of the path,
     * or if it is not the principal's.
     */
    Optional<UploadProgress> progress(Principal principal, VirtualPath path, String fileId);
}
