package io.vaultgate.sftp.fs;

import io.vaultgate.core.files.StorageSpace;
import java.nio.file.FileStore;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;

/**
 * The "file system" behind a path, as SFTP clients ask for it ({@code space-available}, {@code df}): its size is
 * the tenant's storage quota and its free space what is left of it, as the core's {@link StorageSpace} reports for
 * the session's principal. Without a byte quota the size is {@link Long#MAX_VALUE} (as {@link FileStore} does for
 * a store larger than that) and the free space that less what is used. A snapshot, taken when asked.
 */
final class GatewayFileStore extends FileStore {

    private final StorageSpace space;

    GatewayFileStore(StorageSpace space) {
        this.space = space;
    }

    @Override
    public String name() {
        return "vaultgate";
    }

    @Override
    public String type() {
        return "vaultgate";
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public long getTotalSpace() {
        return space.limitsBytes() ? space.limitBytes() : Long.MAX_VALUE;
    }

    @Override
    public long getUsableSpace() {
        return space.freeBytes();
    }

    @Override
    public long getUnallocatedSpace() {
        return space.freeBytes();
    }

    @Override
    public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
        return false;
    }

    @Override
    public boolean supportsFileAttributeView(String name) {
        return false;
    }

    @Override
    public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
        return null;
    }

    @Override
    public Object getAttribute(String attribute) {
        throw new UnsupportedOperationException("file store attribute " + attribute + " is not supported");
    }
}
