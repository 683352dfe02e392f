package io.vaultgate.core.storage;

import java.io.IOException;
import java.util.Optional;

/** A marker that does what another does; a test overrides what it slows down or watches. */
public class DelegatingMarker implements StoreMarker {
    private final StoreMarker delegate;

    public DelegatingMarker(StoreMarker delegate) {
        this.delegate = delegate;
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public Optional<StoreId> read() throws IOException {
        return delegate.read();
    }

    @Override
    public boolean write(StoreId id) throws IOException {
        return delegate.write(id);
    }
}
