package io.vaultgate.core.audit;

import io.vaultgate.core.tenant.TenantId;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Derives every tenant's {@link TenantTagKey} from one root secret, itself derived from the audit signing
 * key, so there is no second secret file to keep:
 * <pre>
 *   root   = HMAC-SHA256(Ed25519 private key seed, "vaultgate.audit.tag-root.v1")
 *   key(t) = HMAC-SHA256(root, "vaultgate.audit.tenant-tag.v1" || 0x00 || tenant id)   (empty id: gateway-wide)
 * </pre>
 */
public final class TenantTags {

    private final byte[] root;

    private TenantTags(byte[] root) {
        this.root = root;
    }

    /** The tag keys that belong with {@code key}. */
    public static TenantTags derivedFrom(AuditSigningKey key) {
        byte[] seed = key.seed();
        try {
            return new TenantTags(TenantTagKey.hmac(seed, "vaultgate.audit.tag-root.v1".getBytes(StandardCharsets.US_ASCII)));
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** The tag key of {@code tenant}; of the gateway itself when empty. */
    public TenantTagKey forTenant(Optional<TenantId> tenant) {
        byte[] label = ("vaultgate.audit.tenant-tag.v1\0" + tenant.map(TenantId::value).orElse(""))
                .getBytes(StandardCharsets.US_ASCII);
        return new TenantTagKey(TenantTagKey.hmac(root, label));
    }

    @Override
    public String toString() {
        return "TenantTags[redacted]";
    }
}
