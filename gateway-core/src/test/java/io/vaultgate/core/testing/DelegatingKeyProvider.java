package io.vaultgate.core.testing;

import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.util.List;
import java.util.Objects;

/**
 * A key provider that passes every call to another one, as {@link DelegatingObjectStore} does for stores. A test that
 * breaks a provider (a hook after a wrap, a data key destroyed under it) extends it and overrides only that call,
 * calling {@code super} for the real work. {@code rewrap} keeps its default, so that it goes through the overrides.
 */
public abstract class DelegatingKeyProvider implements KeyProvider {

    private final KeyProvider delegate;

    protected DelegatingKeyProvider(KeyProvider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public KekId ensureTenant(String tenantId) {
        return delegate.ensureTenant(tenantId);
    }

    @Override
    public KekId active(String tenantId) {
        return delegate.active(tenantId);
    }

    @Override
    public KekId rotate(String tenantId) {
        return delegate.rotate(tenantId);
    }

    @Override
    public KeySlot wrap(EnvelopeContext ctx, DataKey dek) {
        return delegate.wrap(ctx, dek);
    }

    @Override
    public DataKey unwrap(EnvelopeContext ctx, KeySlot slot) {
        return delegate.unwrap(ctx, slot);
    }

    @Override
    public void disable(KekId kek) {
        delegate.disable(kek);
    }

    @Override
    public List<KekId> destroyTenant(String tenantId) {
        return delegate.destroyTenant(tenantId);
    }

    @Override
    public List<Integer> versions(String tenantId) {
        return delegate.versions(tenantId);
    }

    @Override
    public List<Integer> disabledVersions(String tenantId) {
        return delegate.disabledVersions(tenantId);
    }

    @Override
    public boolean reload() {
        return delegate.reload();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
