package io.vaultgate.core.testing.powerloss;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The provider of a {@link PowerLossFileSystem}: each call goes to the default provider with the real path, a change
 * as one counted operation ({@link PowerLossFileSystem#step}), a read checked against the cut. Attribute views are
 * the default's: a change made through one (a {@code chmod}) is not counted, and its mode is durable when next seen
 * by a flush.
 */
final class PowerLossProvider extends FileSystemProvider {

    private final PowerLossFileSystem fs;

    PowerLossProvider(PowerLossFileSystem fs) {
        this.fs = fs;
    }

    @Override
    public String getScheme() {
        return "powerloss";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException("use PowerLossFileSystem.over");
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException("use PowerLossFileSystem.over");
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException("use PowerLossFileSystem.root");
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
                                              FileAttribute<?>... attrs) throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        Set<OpenOption> real = new HashSet<>(options);
        real.remove(ExtendedOpenOption.DIRECT); // see the model: a direct write is not durable before a flush either
        if (real.contains(StandardOpenOption.DELETE_ON_CLOSE)) {
            throw new UnsupportedOperationException("a power-loss file system does not delete on close: " + path);
        }
        boolean writes = real.contains(StandardOpenOption.WRITE) || real.contains(StandardOpenOption.APPEND);
        boolean changes = writes && (real.contains(StandardOpenOption.CREATE)
                || real.contains(StandardOpenOption.CREATE_NEW) || real.contains(StandardOpenOption.TRUNCATE_EXISTING));
        Path file = changes ? fs.realUnderRoot(path) : PowerLossPath.unwrap(path);
        PowerLossFileSystem.DiskAction<FileChannel> open = () -> {
            FileChannel delegate = FileChannel.open(file, real, attrs);
            try {
                DurableImage.Node node = fs.image().node(file);
                FileChannel reader = node.directory ? null
                        : real.contains(StandardOpenOption.READ) ? delegate
                        : FileChannel.open(file, StandardOpenOption.READ);
                PowerLossChannel channel = new PowerLossChannel(fs, delegate, reader, node,
                        node.directory ? file : null, file.toString(), fs.epoch());
                fs.opened(channel);
                return channel;
            } catch (IOException | RuntimeException e) {
                delegate.close();
                throw e;
            }
        };
        return changes ? fs.step(fs.epoch(), "open " + real + " " + file, open)
                : fs.read(fs.epoch(), "open " + file, open);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        Path real = PowerLossPath.unwrap(dir);
        List<Path> entries = fs.read(fs.epoch(), "list " + real, () -> {
            List<Path> all = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(real)) {
                stream.forEach(entry -> all.add(new PowerLossPath(fs, entry)));
            }
            return all;
        });
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                List<Path> accepted = new ArrayList<>();
                for (Path entry : entries) {
                    try {
                        if (filter.accept(entry)) {
                            accepted.add(entry);
                        }
                    } catch (IOException e) {
                        throw new DirectoryIteratorException(e);
                    }
                }
                return accepted.iterator();
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        Path real = fs.realUnderRoot(dir);
        fs.step(fs.epoch(), "mkdir " + real, () -> Files.createDirectory(real, attrs));
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) {
        throw new UnsupportedOperationException("a power-loss file system has no symbolic links");
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        Path real = fs.realUnderRoot(link);
        Path from = fs.realUnderRoot(existing);
        fs.step(fs.epoch(), "link " + from + " as " + real, () -> Files.createLink(real, from));
    }

    @Override
    public void delete(Path path) throws IOException {
        Path real = fs.realUnderRoot(path);
        fs.step(fs.epoch(), "unlink " + real, () -> {
            Object inode = fs.image().lastName(real);
            Files.delete(real);
            fs.image().forget(inode);
            return null;
        });
    }

    @Override
    public boolean deleteIfExists(Path path) throws IOException {
        Path real = fs.realUnderRoot(path);
        return fs.step(fs.epoch(), "unlink " + real, () -> {
            Object inode = fs.image().lastName(real);
            boolean deleted = Files.deleteIfExists(real);
            fs.image().forget(inode);
            return deleted;
        });
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        Path from = PowerLossPath.unwrap(source);
        Path to = fs.realUnderRoot(target);
        fs.step(fs.epoch(), "copy " + from + " to " + to, () -> {
            Object replaced = List.of(options).contains(StandardCopyOption.REPLACE_EXISTING)
                    ? fs.image().lastName(to) : null;
            Files.copy(from, to, options);
            fs.image().forget(replaced);
            return null;
        });
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        Path from = fs.realUnderRoot(source);
        Path to = fs.realUnderRoot(target);
        fs.step(fs.epoch(), "rename " + from + " to " + to, () -> {
            Object replaced = Files.exists(to, LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(from, to) ? null
                    : fs.image().lastName(to);
            Files.move(from, to, options);
            fs.image().forget(replaced);
            return null;
        });
    }

    @Override
    public boolean isSameFile(Path path, Path other) throws IOException {
        if (!(other instanceof PowerLossPath)) {
            return false;
        }
        return fs.read(fs.epoch(), "stat " + path,
                () -> Files.isSameFile(PowerLossPath.unwrap(path), PowerLossPath.unwrap(other)));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return Files.isHidden(PowerLossPath.unwrap(path));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return fs.read(fs.epoch(), "stat " + path, () -> Files.getFileStore(PowerLossPath.unwrap(path)));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        Path real = PowerLossPath.unwrap(path);
        fs.read(fs.epoch(), "access " + real, () -> {
            real.getFileSystem().provider().checkAccess(real, modes);
            return null;
        });
    }

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return Files.getFileAttributeView(PowerLossPath.unwrap(path), type, options);
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        Path real = PowerLossPath.unwrap(path);
        return fs.read(fs.epoch(), "stat " + real, () -> Files.readAttributes(real, type, options));
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        Path real = PowerLossPath.unwrap(path);
        return fs.read(fs.epoch(), "stat " + real, () -> Files.readAttributes(real, attributes, options));
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        Path real = fs.realUnderRoot(path);
        fs.step(fs.epoch(), "set " + attribute + " of " + real, () -> Files.setAttribute(real, attribute, value,
                options));
    }
}
