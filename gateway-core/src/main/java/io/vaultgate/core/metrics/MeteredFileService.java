package io.vaultgate.core.metrics;

import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.files.DirectoryPage;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.files.PageRequest;
import io.vaultgate.core.files.StorageSpace;
import io.vaultgate.core.files.StoredDigest;
import io.vaultgate.core.path.VirtualPath;
import java.util.Optional;

/** A file service whose opened files are metered as downloads; everything else passes straight through. */
final class MeteredFileService implements FileService {

    private final FileService delegate;
    private final TransferMetrics metrics;

    MeteredFileService(FileService delegate, TransferMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public DirectoryPage list(Principal principal, VirtualPath directory, PageRequest page) {
        return delegate.list(principal, directory, page);
    }

    @Override
    public FileEntry stat(Principal principal, VirtualPath path) {
        return delegate.stat(principal, path);
    }

    @Override
    public FileEntry statResumable(Principal principal, VirtualPath path) {
        return delegate.statResumable(principal, path);
    }

    @Override
    public Optional<FileEntry> findResumable(Principal principal, VirtualPath path) {
        return delegate.findResumable(principal, path);
    }

    @Override
    public FileContent open(Principal principal, VirtualPath path) {
        FileContent content = delegate.open(principal, path);
        return new MeteredContent(content, metrics, metrics.beginDownload(principal, path, content.fileId(),
                content.size()));
    }

    /** Nothing is read: not a download. */
    @Override
    public StoredDigest storedDigest(Principal principal, VirtualPath path) {
        return delegate.storedDigest(principal, path);
    }

    @Override
    public void delete(Principal principal, VirtualPath path) {
        delegate.delete(principal, path);
    }

    @Override
    public void rename(Principal principal, VirtualPath from, VirtualPath to) {
        delegate.rename(principal, from, to);
    }

    @Override
    public void createDirectory(Principal principal, VirtualPath path) {
        delegate.createDirectory(principal, path);
    }

    @Override
    public StorageSpace space(Principal principal, VirtualPath path) {
        return delegate.space(principal, path);
    }
}
