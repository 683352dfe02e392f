package io.vaultgate.core.storage;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct I/O ({@code O_DIRECT}) on the file system of the store: whether it works there, and its alignment. A
 * direct write goes from an aligned buffer to the device without the kernel's copy into its page cache. On the
 * reference VM that copy costs about 2 s of CPU per GiB written (the guest's fresh pages are slow to fault in),
 * against 0.13 s for the direct write of the same bytes: more than the encryption and the digest of an upload
 * together (docs/benchmarks.md, session 24).
 */
final class DirectIo {

    private static final Logger LOG = LoggerFactory.getLogger(DirectIo.class);
    private static final String PROBE = ".direct-io-probe";

    private DirectIo() {
    }

    /**
     * The block size direct I/O needs in {@code dir} (positions, lengths and buffer addresses are multiples of it),
     * or empty where the file system refuses {@code O_DIRECT} (tmpfs on older kernels, some network file systems) or
     * its block is larger than {@link DirectAppends#CHUNK} (review24a H1): found by opening a probe file that way and
     * writing one block, which is then removed. A refusal is logged once per probe (INFO) with its cause: the block
     * size reported, or the exception's class and message (the kernel's, such as "Invalid argument"; the path is the
     * store's directory, nothing else).
     */
    static OptionalInt blockSize(Path dir) {
        return blockSize(dir, DirectIo::open);
    }

    /** How {@link #blockSize} opens its probe (tests stand in a file system that refuses). */
    @FunctionalInterface
    interface DirectOpen {
        FileChannel open(Path file, StandardOpenOption... options) throws IOException;
    }

    static OptionalInt blockSize(Path dir, DirectOpen directOpen) {
        Path probe = dir.resolve(PROBE);
        try {
            long reported = Files.getFileStore(dir).getBlockSize();
            OptionalInt usable = usable(reported);
            if (usable.isEmpty()) {
                LOG.info("direct I/O probe in {}: not used, the file system's block is {} bytes (direct I/O needs a "
                        + "power of two of at most {})", dir, reported, DirectAppends.CHUNK);
                return usable;
            }
            int block = usable.getAsInt();
            try (FileChannel channel = directOpen.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                channel.write(aligned(block, block), 0);
            }
            return OptionalInt.of(block);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("direct I/O probe in {}: refused ({}: {}); objects there go through the page cache", dir,
                    e.getClass().getName(), e.getMessage());
            return OptionalInt.empty();
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // left behind, it is the next probe's file
            }
        }
    }

    /**
     * The alignment for a file system reporting {@code reported} as its block size: at least 4096, a power of two,
     * and no larger than a staged run ({@link DirectAppends#CHUNK}; ZFS with {@code recordsize=1M}, NFS's
     * {@code wsize} and CephFS report more, review24a H1): else empty, no direct I/O.
     */
    static OptionalInt usable(long reported) {
        long block = Math.max(4096, reported);
        if (Long.bitCount(block) != 1 || block > DirectAppends.CHUNK) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) block);
    }

    /** Opens {@code file} for direct I/O with {@code options}. */
    static FileChannel open(Path file, StandardOpenOption... options) throws IOException {
        Set<OpenOption> all = new HashSet<>(List.of(options));
        all.add(ExtendedOpenOption.DIRECT);
        return FileChannel.open(file, all);
    }

    /** A direct buffer of {@code size} bytes whose address is a multiple of {@code block}. */
    static ByteBuffer aligned(int size, int block) {
        return ByteBuffer.allocateDirect(size + block).alignedSlice(block).slice(0, size);
    }
}
