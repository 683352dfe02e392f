package io.vaultgate.sftp.fs;

import io.vaultgate.core.files.DirectoryPage;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.files.PageRequest;
import io.vaultgate.core.path.VirtualPath;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * An open SFTP directory handle's listing, read from the core one page at a time. MINA's READDIR pulls entries from
 * the iterator until its reply packet is full, so the next page is read only when a READDIR gets past the last entry
 * of the current one; a handle holds at most one page, however large the directory (and a session at most as many
 * pages as it has open directory handles). The first page is read when the directory is opened, so a missing
 * directory or a file fails OPENDIR, as SFTP clients expect; a later page that cannot be read ends READDIR with an
 * error status ({@link DirectoryIteratorException}). Names come in the core's binary order, each once.
 */
final class PagedDirectoryStream implements DirectoryStream<Path> {

    private final GatewayFileSystem fs;
    private final Path directory;
    private final VirtualPath virtual;
    private final Filter<? super Path> filter;
    private DirectoryPage first;
    private final PageRequest request;
    private boolean iterated;
    private volatile boolean closed;

    PagedDirectoryStream(GatewayFileSystem fs, Path directory, VirtualPath virtual, Filter<? super Path> filter,
                         PageRequest request) throws IOException {
        this.fs = fs;
        this.directory = directory;
        this.virtual = virtual;
        this.filter = filter;
        this.request = request;
        this.first = read(request);
    }

    @Override
    public synchronized Iterator<Path> iterator() {
        if (closed || iterated) {
            throw new IllegalStateException("a directory stream is iterated once, while open");
        }
        iterated = true;
        Pages pages = new Pages(first);
        first = null;
        return pages;
    }

    @Override
    public void close() {
        closed = true;
        first = null;
    }

    private DirectoryPage read(PageRequest page) throws IOException {
        return IoErrors.call(directory, () -> fs.files().list(fs.principal(), virtual, page));
    }

    /** Walks the current page, reading the next one when it is used up; holds only the current page. */
    private final class Pages implements Iterator<Path> {

        private Iterator<FileEntry> entries;
        private Optional<String> next;
        private Path ahead;

        Pages(DirectoryPage page) {
            this.entries = page.entries().iterator();
            this.next = page.next();
        }

        @Override
        public boolean hasNext() {
            while (ahead == null) {
                if (closed) {
                    return false;
                }
                if (entries.hasNext()) {
                    Path path = fs.pathOf(entries.next());
                    ahead = accepts(path) ? path : null;
                } else if (next.isPresent()) {
                    DirectoryPage page = readNext(next.get());
                    entries = page.entries().iterator();
                    next = page.next();
                } else {
                    return false;
                }
            }
            return true;
        }

        @Override
        public Path next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Path path = ahead;
            ahead = null;
            return path;
        }

        private DirectoryPage readNext(String cursor) {
            try {
                return read(request.after(cursor));
            } catch (IOException e) {
                throw new DirectoryIteratorException(e);
            }
        }
    }

    private boolean accepts(Path path) {
        try {
            return filter == null || filter.accept(path);
        } catch (IOException e) {
            return false;
        }
    }
}
