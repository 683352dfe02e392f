package io.vaultgate.https.receiver;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/** One body being received: written to a temporary file while its SHA-256 and size are computed. */
final class DropWrite implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final MessageDigest sha256;
    private final long maxBytes;
    private long size;

    DropWrite(Path file, long maxBytes) throws IOException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                DropDirectory.PRIVATE_FILE);
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    void write(ByteBuf content) throws IOException, ReceiverProblem {
        int length = content.readableBytes();
        if (size + length > maxBytes) {
            throw new ReceiverProblem(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "the file is larger than this receiver's limit of " + maxBytes + " bytes");
        }
        for (ByteBuffer buffer : content.nioBuffers()) {
            sha256.update(buffer.duplicate());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
        size += length;
    }

    long size() {
        return size;
    }

    /** Flushes the file to disk and returns the hex SHA-256 of everything written. */
    String finish() throws IOException {
        channel.force(true);
        channel.close();
        return HexFormat.of().formatHex(sha256.digest());
    }

    Path file() {
        return file;
    }

    /** Closes and deletes the temporary file (after a refusal, or if the connection dropped). */
    @Override
    public void close() {
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the directory is swept of leftovers at start-up
        }
    }
}
