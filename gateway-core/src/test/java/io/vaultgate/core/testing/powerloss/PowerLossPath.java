package io.vaultgate.core.testing.powerloss;

import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

/**
 * A path of a {@link PowerLossFileSystem}: the default file system's path it stands for, answering with paths of the
 * power-loss file system, so that every {@code Files} call on it (and on what is resolved from it) goes through
 * {@link PowerLossProvider}. {@link #toFile()} is refused (the default's behaviour for a non-default file system):
 * code that turns a path into a {@code java.io.File} escapes the model, and a test on this file system finds it.
 */
final class PowerLossPath implements Path {

    private final PowerLossFileSystem fs;
    private final Path delegate;

    PowerLossPath(PowerLossFileSystem fs, Path delegate) {
        this.fs = fs;
        this.delegate = delegate;
    }

    /** The default file system's path of {@code path}, which must belong to a power-loss file system. */
    static Path unwrap(Path path) {
        if (path instanceof PowerLossPath p) {
            return p.delegate;
        }
        throw new ProviderMismatchException("not a path of a power-loss file system: " + path);
    }

    Path delegate() {
        return delegate;
    }

    private Path wrap(Path path) {
        return path == null ? null : new PowerLossPath(fs, path);
    }

    @Override
    public PowerLossFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return delegate.isAbsolute();
    }

    @Override
    public Path getRoot() {
        return wrap(delegate.getRoot());
    }

    @Override
    public Path getFileName() {
        return wrap(delegate.getFileName());
    }

    @Override
    public Path getParent() {
        return wrap(delegate.getParent());
    }

    @Override
    public int getNameCount() {
        return delegate.getNameCount();
    }

    @Override
    public Path getName(int index) {
        return wrap(delegate.getName(index));
    }

    @Override
    public Path subpath(int beginIndex, int endIndex) {
        return wrap(delegate.subpath(beginIndex, endIndex));
    }

    @Override
    public boolean startsWith(Path other) {
        return other instanceof PowerLossPath p && delegate.startsWith(p.delegate);
    }

    @Override
    public boolean endsWith(Path other) {
        return other instanceof PowerLossPath p && delegate.endsWith(p.delegate);
    }

    @Override
    public Path normalize() {
        return wrap(delegate.normalize());
    }

    @Override
    public Path resolve(Path other) {
        return wrap(delegate.resolve(unwrap(other)));
    }

    @Override
    public Path resolve(String other) {
        return wrap(delegate.resolve(other));
    }

    @Override
    public Path relativize(Path other) {
        return wrap(delegate.relativize(unwrap(other)));
    }

    /** The default file system's URI: a path made from it is not on this file system. */
    @Override
    public URI toUri() {
        return delegate.toUri();
    }

    @Override
    public Path toAbsolutePath() {
        return wrap(delegate.toAbsolutePath());
    }

    @Override
    public Path toRealPath(LinkOption... options) throws IOException {
        return wrap(delegate.toRealPath(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        throw new UnsupportedOperationException("a power-loss file system has no watch service");
    }

    @Override
    public int compareTo(Path other) {
        return delegate.compareTo(unwrap(other));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PowerLossPath p && p.fs == fs && p.delegate.equals(delegate);
    }

    @Override
    public int hashCode() {
        return delegate.hashCode();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
