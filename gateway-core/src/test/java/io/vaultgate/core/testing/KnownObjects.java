package io.vaultgate.core.testing;

import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ReferencedObjects;
import io.vaultgate.core.tenant.TenantId;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** A catalog's references given as sets, for store tests; remembers the largest batch it was asked about. */
public final class KnownObjects implements ReferencedObjects {

    private final Set<ObjectId> committed;
    private final Set<ObjectId> pending;
    private int largestBatch;

    public KnownObjects(Set<ObjectId> committed, Set<ObjectId> pending) {
        this.committed = Set.copyOf(committed);
        this.pending = Set.copyOf(pending);
    }

    public static KnownObjects none() {
        return new KnownObjects(Set.of(), Set.of());
    }

    @Override
    public Set<ObjectId> committed(TenantId tenant, List<ObjectId> ids) {
        return known(ids, committed);
    }

    @Override
    public Set<ObjectId> pending(TenantId tenant, List<ObjectId> ids) {
        return known(ids, pending);
    }

    /** The most ids asked about in one call. */
    public int largestBatch() {
        return largestBatch;
    }

    private synchronized Set<ObjectId> known(List<ObjectId> ids, Set<ObjectId> known) {
        largestBatch = Math.max(largestBatch, ids.size());
        return ids.stream().filter(known::contains).collect(Collectors.toSet());
    }
}
