package io.vaultgate.sftp.extensions;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.digest.BuiltinDigests;

/**
 * One {@code check-file-handle} or {@code check-file-name} request (draft-ietf-secsh-filexfer-09, section 9.1.2), as
 * its fields follow the extension name: string handle or path, string comma-separated hash algorithms, uint64 start
 * offset, uint64 length (0: to the end of the file), uint32 block size (0: one hash of the whole range).
 *
 * @param byHandle  whether {@code target} is a handle ({@code check-file-handle}) rather than a path
 * @param start     uint64 as sent (negative when at least 2^63)
 * @param length    uint64 as sent (negative when at least 2^63)
 * @param blockSize uint32 as sent
 */
record CheckFileRequest(boolean byHandle, String target, List<String> algorithms, long start, long length,
        long blockSize) {

    CheckFileRequest {
        algorithms = List.copyOf(algorithms);
    }

    /**
     * The request whose extension name ends just before {@code at} in {@code packet}, or empty if the packet is too
     * short to hold its fields (MINA refuses such a request itself).
     */
    static Optional<CheckFileRequest> parse(byte[] packet, int at, boolean byHandle) {
        String[] strings = new String[2];
        for (int i = 0; i < strings.length; i++) {
            if (packet.length - at < 4 || StatVfsRequests.uint32(packet, at) > packet.length - at - 4) {
                return Optional.empty();
            }
            int length = (int) StatVfsRequests.uint32(packet, at);
            strings[i] = new String(packet, at + 4, length, StandardCharsets.UTF_8);
            at += 4 + length;
        }
        if (packet.length - at < 8 + 8 + 4) {
            return Optional.empty();
        }
        return Optional.of(new CheckFileRequest(byHandle, strings[0],
                Arrays.stream(strings[1].split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList(),
                uint64(packet, at), uint64(packet, at + 8), StatVfsRequests.uint32(packet, at + 16)));
    }

    /** The hash to answer with: the first of the client's list that the server knows, as MINA picks it. */
    Optional<BuiltinDigests> digest() {
        for (String name : algorithms) {
            BuiltinDigests digest = BuiltinDigests.fromFactoryName(name);
            if (digest != null && digest.isSupported()) {
                return Optional.of(digest);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the request may ask for the SHA-256 of a whole file, which is answered from the digest recorded at
     * upload: one hash, sha256 picked, from offset 0, to the end or further (a length of 0 or of at least the file's
     * size, which only the file tells, 2^63 and more included: {@link #toTheEnd}).
     */
    boolean mayBeWholeFileSha256() {
        return start == 0 && blockSize == 0 && digest().filter(d -> d == BuiltinDigests.sha256).isPresent();
    }

    /**
     * Whether it asks for more block hashes than {@link StatVfsRequests#MAX_CHECK_FILE_BLOCKS}, for block hashes up
     * to the end of the file (length 0), whose count the request does not bound, or for blocks that are not a
     * multiple of {@link StatVfsRequests#CHECK_FILE_BLOCK_UNIT}.
     */
    boolean tooManyBlocks() {
        if (blockSize == 0) {
            return false;
        }
        return blockSize % StatVfsRequests.CHECK_FILE_BLOCK_UNIT != 0 || length == 0
                || Long.compareUnsigned(length, blockSize * StatVfsRequests.MAX_CHECK_FILE_BLOCKS) > 0;
    }

    /**
     * Whether it names a range longer than {@code max} bytes: a length of 0 does not, nor one of 2^63 or more (a
     * negative long here), which no file reaches and clients send for "to the end" (2^64 - 1) as they send 0: such a
     * range is bounded from the file's size ({@link #toTheEnd}), where {@link CheckFileAnswers} knows it (review24b L2).
     */
    boolean tooLong(long max) {
        return length > max;
    }

    /**
     * Whether its range runs to the end of a file of {@code size} bytes, its start within the file: a length of 0, or
     * one (a uint64: 2^64 - 1 is what clients send for "everything", a negative long here) reaching the end or past
     * it (review24b L2).
     */
    boolean toTheEnd(long size) {
        return length == 0 || Long.compareUnsigned(length, size - start) >= 0;
    }

    /**
     * Whether its range runs to the end of any file it starts in, whatever the file's size: a length of 0, or of 2^63
     * or more (no file is that large). A real length needs the file's size to tell ({@link #toTheEnd}).
     */
    boolean toTheEndOfAnyFile() {
        return length <= 0;
    }

    private static long uint64(byte[] b, int at) {
        return StatVfsRequests.uint32(b, at) << 32 | StatVfsRequests.uint32(b, at + 4);
    }
}
