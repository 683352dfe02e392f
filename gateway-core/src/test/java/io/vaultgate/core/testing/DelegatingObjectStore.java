package io.vaultgate.core.testing;

import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.storage.ReferencedObjects;
import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.Objects;

/**
 * A store that passes every call to another one. A test that breaks a store (a crash after its commit, an
 * {@code open} that fails for a moment, a {@code create} that hangs) extends it and overrides only the call it
 * breaks, calling {@code super} for the real work; the compiler then holds the rest to {@link ObjectStore}.
 */
public abstract class DelegatingObjectStore implements ObjectStore {

    private final ObjectStore delegate;

    protected DelegatingObjectStore(ObjectStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public PendingObject create(TenantId tenant, ObjectId id) throws IOException {
        return delegate.create(tenant, id);
    }

    @Override
    public PendingObject reopen(TenantId tenant, ObjectId id) throws IOException {
        return delegate.reopen(tenant, id);
    }

    @Override
    public void commit(TenantId tenant, PendingObject object) throws IOException {
        delegate.commit(tenant, object);
    }

    @Override
    public SeekableByteChannel open(TenantId tenant, ObjectId id) throws IOException {
        return delegate.open(tenant, id);
    }

    @Override
    public void delete(TenantId tenant, ObjectId id) throws IOException {
        delegate.delete(tenant, id);
    }

    @Override
    public int sweep(TenantId tenant, ReferencedObjects referenced) throws IOException {
        return delegate.sweep(tenant, referenced);
    }

    @Override
    public boolean stillRecognized() throws IOException {
        return delegate.stillRecognized();
    }
}
