package io.vaultgate.core.testing.powerloss;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a power cut leaves of a directory tree on the default file system: for each file (inode), its content as of
 * its last flush; for each directory, its entries as of its last flush. Files are told apart by their inode
 * ({@code fileKey}), so hard links, renames and an unlinked file still open are followed; a file whose last name is
 * removed is forgotten as live (its inode number may be reused) but kept in the image wherever a flushed directory
 * still names it. Not thread-safe: {@link PowerLossFileSystem} calls it under its lock.
 */
final class DurableImage {

    /** A file or directory, as the disk holds it. */
    static final class Node {
        final boolean directory;
        /** As of the last flush of the file; {@code null}: never flushed, so empty after a cut. */
        byte[] content;
        /** As of the last flush of the directory. */
        Map<String, Node> entries = new TreeMap<>();
        Set<PosixFilePermission> mode;
        /** Bytes written since the last flush. */
        final BitSet dirty = new BitSet();
        /**
         * Bytes whose writeback failed (an injected flush error): clean in the cache, never written to the disk, so no
         * later flush writes them (what Linux does after a writeback error) until they are written again.
         */
        final BitSet lost = new BitSet();

        Node(boolean directory) {
            this.directory = directory;
        }
    }

    private final Path root;
    private final Map<Object, Node> live = new HashMap<>();
    private Node rootNode;

    /** The image of the tree under {@code root} (a real directory), taken as wholly durable. */
    DurableImage(Path root) throws IOException {
        this.root = root;
        this.rootNode = scan(root);
    }

    /** The live node of the file or directory at {@code real} (not following a link); its mode refreshed. */
    Node node(Path real) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(real, PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink() || attributes.isOther()) {
            throw new IOException("a power-loss file system holds files and directories only: " + real);
        }
        Node node = live.computeIfAbsent(attributes.fileKey(), key -> new Node(attributes.isDirectory()));
        node.mode = attributes.permissions();
        return node;
    }

    /** A write of {@code length} bytes at {@code position} of the file. */
    void written(Node node, long position, long length) {
        if (length > 0) {
            node.dirty.set(Math.toIntExact(position), Math.toIntExact(position + length));
            node.lost.clear(Math.toIntExact(position), Math.toIntExact(position + length));
        }
    }

    /** A truncation of the file to {@code size}. */
    void truncated(Node node, long size) {
        int from = Math.toIntExact(Math.min(size, Integer.MAX_VALUE));
        node.dirty.clear(from, Integer.MAX_VALUE);
        node.lost.clear(from, Integer.MAX_VALUE);
    }

    /**
     * A flush of a file: {@code content} is what the disk now holds for it, but for bytes whose writeback failed
     * before, which keep what the disk held (zeros where it held nothing).
     */
    void fileFlushed(Node node, byte[] content) {
        byte[] before = node.content == null ? new byte[0] : node.content;
        for (int at = node.lost.nextSetBit(0); at >= 0 && at < content.length; at = node.lost.nextSetBit(at + 1)) {
            content[at] = at < before.length ? before[at] : 0;
        }
        node.content = content;
        node.dirty.clear();
    }

    /** A flush of a file that failed with a writeback error: what it should have written is never written. */
    void fileFlushFailed(Node node) {
        node.lost.or(node.dirty);
        node.dirty.clear();
    }

    /** A flush of a directory: its entries as they are now are what the disk holds for it. */
    void directoryFlushed(Path realDir) throws IOException {
        Node dir = node(realDir);
        Map<String, Node> entries = new TreeMap<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(realDir)) {
            for (Path child : children) {
                entries.put(child.getFileName().toString(), node(child));
            }
        }
        dir.entries = entries;
    }

    /**
     * Before {@code real}'s name is removed (deleted or replaced by a rename): the inode to {@link #forget} once it is,
     * if that name is its last ({@code null} if not, or if nothing is there).
     */
    Object lastName(Path real) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(real, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return null;
        }
        Object links = Files.getAttribute(real, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        return attributes.isDirectory() || ((Number) links).intValue() <= 1 ? attributes.fileKey() : null;
    }

    /**
     * An inode whose last name was removed is no longer live (its number may be given to a new file); the image keeps
     * it wherever a flushed directory still names it, and a channel open on it still flushes it.
     */
    void forget(Object inode) {
        if (inode != null) {
            live.remove(inode);
        }
    }

    /**
     * The power cut: the real tree is replaced by what the image holds (files with their flushed content, or empty if
     * never flushed; directories with their flushed entries; hard links kept), which then is wholly durable.
     */
    void rollBack() throws IOException {
        wipe(root);
        materialize(rootNode, root, new IdentityHashMap<>(), new IdentityHashMap<>());
        live.clear();
        rootNode = scan(root);
    }

    private void materialize(Node dir, Path real, Map<Node, Path> files, Map<Node, Path> dirs) throws IOException {
        dirs.put(dir, real);
        for (Map.Entry<String, Node> entry : dir.entries.entrySet()) {
            Path target = real.resolve(entry.getKey());
            Node child = entry.getValue();
            if (child.directory) {
                if (dirs.containsKey(child)) {
                    continue; // a directory renamed with both parents flushed: one name, as fsck would leave
                }
                Files.createDirectory(target);
                materialize(child, target, files, dirs);
            } else if (files.containsKey(child)) {
                Files.createLink(target, files.get(child));
                continue;
            } else {
                Files.write(target, child.content == null ? new byte[0] : child.content);
                files.put(child, target);
            }
            if (child.mode != null) {
                Files.setPosixFilePermissions(target, child.mode);
            }
        }
    }

    private Node scan(Path real) throws IOException {
        Node node = node(real);
        if (node.directory) {
            Map<String, Node> entries = new TreeMap<>();
            try (DirectoryStream<Path> children = Files.newDirectoryStream(real)) {
                for (Path child : children) {
                    entries.put(child.getFileName().toString(), scan(child));
                }
            }
            node.entries = entries;
        } else {
            node.content = Files.readAllBytes(real);
        }
        return node;
    }

    private static void wipe(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                if (!dir.equals(root)) {
                    Files.delete(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
