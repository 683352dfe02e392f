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

/**
 * Direct I/O ({@code O_DIRECT}) on the file system of the store: whether it works there, and its alignment. A
 * direct write goes from an aligned buffer to the device without the kernel's copy into its page cache. On the
 * reference VM that copy costs about 2 s of CPU per GiB written (the guest's fresh pages are slow to fault in),
 * against 0.13 s for the direct write of the same bytes: more than the encryption and the digest of an upload
 * together (docs/benchmarks.md, session 24).
 */
final class DirectIo {

    private static final String PROBE = ".direct-io-probe";

    private DirectIo() {
    }

    /**
     * The block size direct I/O needs in {@code dir} (positions, lengths and buffer addresses are multiples of it),
     * or empty where the file system refuses {@code O_DIRECT} (tmpfs on older kernels, some network file systems):
     * found by opening a probe file that way and writing one block, which is then removed.
     */
    static OptionalInt blockSize(Path dir) {
        Path probe = dir.resolve(PROBE);
        try {
            int block = Math.max(4096, Math.toIntExact(Files.getFileStore(dir).getBlockSize()));
            if (Integer.bitCount(block) != 1) {
                return OptionalInt.empty();
            }
            try (FileChannel channel = open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                channel.write(aligned(block, block), 0);
            }
            return OptionalInt.of(block);
        } catch (IOException | UnsupportedOperationException | ArithmeticException e) {
            return OptionalInt.empty();
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException ignored) {
                // left behind, it is the next probe's file
            }
        }
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
