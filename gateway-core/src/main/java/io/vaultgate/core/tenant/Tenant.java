package io.vaultgate.core.tenant;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import java.time.Duration;
import java.time.Instant;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A client company whose data passes through the gateway. Everything else is scoped by its id.
 *
 * @param retention how long committed files are kept; {@link Duration#ZERO} keeps them until deleted
 * @param allowedSources networks its principals may connect from; empty allows any address
 * @param maxFileSize    the largest single file its principals may upload, in plaintext bytes; {@code 0} for no
 *                       limit of the tenant's own (the protocols' limits still apply)
 */
public record Tenant(TenantId id, String name, TenantStatus status, Quota quota, Duration retention,
                     Set<Protocol> protocols, boolean passwordLoginAllowed, List<Cidr> allowedSources,
                     Instant createdAt, long maxFileSize) {

    public Tenant {
        Objects.requireNonNull(id, "id");
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new IllegalArgumentException("tenant name must be 1-200 characters");
        }
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(quota, "quota");
        if (retention == null || retention.isNegative()) {
            throw new IllegalArgumentException("tenant retention must be >= 0");
        }
        protocols = protocols.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(protocols));
        allowedSources = List.copyOf(allowedSources);
        Objects.requireNonNull(createdAt, "createdAt");
        if (maxFileSize < 0) {
            throw new IllegalArgumentException("tenant max file size must be >= 0 (0 = no limit), got " + maxFileSize);
        }
    }

    /** A tenant without a file size limit of its own. */
    public Tenant(TenantId id, String name, TenantStatus status, Quota quota, Duration retention,
                  Set<Protocol> protocols, boolean passwordLoginAllowed, List<Cidr> allowedSources, Instant createdAt) {
        this(id, name, status, quota, retention, protocols, passwordLoginAllowed, allowedSources, createdAt, 0);
    }

    /** A new active tenant allowing every protocol, key-based login only, no quota. */
    public static Tenant create(TenantId id, String name, Instant now) {
        return new Tenant(id, name, TenantStatus.ACTIVE, Quota.UNLIMITED, Duration.ZERO,
                EnumSet.allOf(Protocol.class), false, List.of(), now);
    }

    /**
     * Refuses {@code change} (a change of status or settings, a new account or credential) to a shredded tenant: it
     * stays shredded for good.
     */
    public void refuseIfShredded(String change) {
        if (status == TenantStatus.SHREDDED) {
            throw new GatewayException(Reason.CONFLICT, "tenant " + id + " was shredded (offboarded); it cannot be "
                    + change + ", and its id is never reused");
        }
    }

    /** Whether a file of {@code bytes} plaintext bytes is within {@link #maxFileSize} (always, when it is 0). */
    public boolean allowsFileSize(long bytes) {
        return maxFileSize == 0 || bytes <= maxFileSize;
    }

    /** Whether a connection from {@code address} may log in: any address when no CIDR is configured. */
    public boolean allowsSource(InetAddress address) {
        return allowedSources.isEmpty() || allowedSources.stream().anyMatch(cidr -> cidr.contains(address));
    }

    public Tenant withAllowedSources(List<Cidr> sources) {
        return new Tenant(id, name, status, quota, retention, protocols, passwordLoginAllowed, sources, createdAt,
                maxFileSize);
    }

    public boolean isActive() {
        return status == TenantStatus.ACTIVE;
    }

    public Tenant withPasswordLogin(boolean allowed) {
        return new Tenant(id, name, status, quota, retention, protocols, allowed,
                allowedSources, createdAt, maxFileSize);
    }

    public Tenant withStatus(TenantStatus newStatus) {
        return new Tenant(id, name, newStatus, quota, retention, protocols, passwordLoginAllowed,
                allowedSources, createdAt, maxFileSize);
    }

    public Tenant withRetention(Duration newRetention) {
        return new Tenant(id, name, status, quota, newRetention, protocols, passwordLoginAllowed,
                allowedSources, createdAt, maxFileSize);
    }

    public Tenant withMaxFileSize(long bytes) {
        return new Tenant(id, name, status, quota, retention, protocols, passwordLoginAllowed,
                allowedSources, createdAt, bytes);
    }

    public Tenant withQuota(Quota newQuota) {
        return new Tenant(id, name, status, newQuota, retention, protocols, passwordLoginAllowed,
                allowedSources, createdAt, maxFileSize);
    }
}
