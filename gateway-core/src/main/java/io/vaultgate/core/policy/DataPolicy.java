package io.vaultgate.core.policy;

import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.Objects;

/**
 * One published version of a tenant's data-handling policy: the text operators must read and acknowledge
 * before they claim or download the tenant's data. Versions start at 1 and only grow; a version is never
 * edited. {@code sha256} is the lower-case hex SHA-256 of the text's UTF-8 bytes, so an acknowledgement
 * and a transparency report name exactly what was agreed to.
 */
public record DataPolicy(TenantId tenant, int version, String sha256, String text, String publishedBy,
                         Instant publishedAt) {

    public DataPolicy {
        Objects.requireNonNull(tenant, "tenant");
        if (version < 1) {
            throw new IllegalArgumentException("policy version must be >= 1, was " + version);
        }
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("policy sha256 must be 64 lower-case hex characters");
        }
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(publishedBy, "publishedBy");
        Objects.requireNonNull(publishedAt, "publishedAt");
    }

    /** How audit events and messages name this version: {@code policy v2 sha256:ab12…}. */
    public String label() {
        return "policy v" + version + " sha256:" + sha256;
    }
}
