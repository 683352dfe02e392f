package io.vaultgate.core.metrics;

import io.vaultgate.core.tenant.TenantId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the {@code tenant} label's cardinality bounded. Off, every series carries {@code tenant="all"};
 * on, the first {@code cap} distinct tenants seen keep their own label and the rest share
 * {@code tenant="other"}. Which tenants get their own label is decided once per process, in the order
 * they are first seen, so a tenant's series never changes label mid-run.
 */
public final class TenantLabels {

    public static final String ALL = "all";
    public static final String OTHER = "other";
    public static final int DEFAULT_CAP = 100;

    private final boolean enabled;
    private final int cap;
    private final Set<String> labelled = ConcurrentHashMap.newKeySet();

    public TenantLabels(boolean enabled, int cap) {
        if (cap < 0) {
            throw new IllegalArgumentException("the tenant label cap must be 0 or more; got " + cap);
        }
        this.enabled = enabled;
        this.cap = cap;
    }

    /** Per-tenant labels for up to {@value #DEFAULT_CAP} tenants. */
    public static TenantLabels defaults() {
        return new TenantLabels(true, DEFAULT_CAP);
    }

    /** The label value for {@code tenant}. */
    public String of(TenantId tenant) {
        if (!enabled) {
            return ALL;
        }
        String value = tenant.value();
        if (labelled.contains(value)) {
            return value;
        }
        synchronized (labelled) {
            if (labelled.contains(value) || labelled.size() < cap) {
                labelled.add(value);
                return value;
            }
        }
        return OTHER;
    }
}
