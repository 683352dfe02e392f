package io.vaultgate.core.ingest;

import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Quota;

/**
 * What an upload the tenant's quota has no room for is told. A client of the tenant learns the quota it met; an
 * operator uploading a result does not: a tenant's quota and use are kept from the sites its batches go to
 * (docs/access-control.md), so an operator's refusal names neither figure (review34 M3). The reason code is the same.
 */
final class QuotaRefusals {
    private QuotaRefusals() {
    }

    /** The byte quota would be exceeded; {@code clause} ends a client's message. */
    static String bytes(VirtualPath path, Quota quota, boolean result, String clause) {
        return result ? noRoomForResult(path)
                : path + ": the tenant's storage quota of " + quota.maxBytes() + " bytes would be exceeded" + clause;
    }

    /** The file quota is reached. */
    static String files(VirtualPath path, Quota quota, boolean result) {
        return result ? noRoomForResult(path)
                : path + ": the tenant's quota of " + quota.maxFiles() + " files is reached";
    }

    private static String noRoomForResult(VirtualPath path) {
        return path + ": the tenant's storage has no room for this result now; it was not stored";
    }
}
