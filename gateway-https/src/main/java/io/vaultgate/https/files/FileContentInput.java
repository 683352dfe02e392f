package io.vaultgate.https.files;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.vaultgate.core.files.FileContent;
import java.io.EOFException;
import java.io.IOException;

/**
 * A span of a {@link FileContent} as a {@link ChunkedInput}: each chunk is decrypted only when the
 * connection can take it, so a download holds one chunk in memory whatever the file size. Closing the
 * input closes the content.
 */
public final class FileContentInput implements ChunkedInput<ByteBuf> {

    public static final int CHUNK_SIZE = 64 * 1024;

    private final FileContent content;
    private final long start;
    private final long end;
    private long position;

    public FileContentInput(FileContent content, long start, long length) {
        this.content = content;
        this.start = start;
        this.end = start + length;
        this.position = start;
    }

    @Override
    public boolean isEndOfInput() {
        return position >= end;
    }

    @Override
    public void close() throws IOException {
        content.close();
    }

    @Override
    @Deprecated
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
        if (isEndOfInput()) {
            return null;
        }
        int wanted = (int) Math.min(CHUNK_SIZE, end - position);
        ByteBuf chunk = allocator.buffer(wanted);
        try {
            while (chunk.writerIndex() < wanted) {
                int read = content.read(position, chunk.nioBuffer(chunk.writerIndex(), wanted - chunk.writerIndex()));
                if (read < 0) {
                    throw new EOFException("file ended at " + position + ", expected " + end + " bytes");
                }
                chunk.writerIndex(chunk.writerIndex() + read);
                position += read;
            }
            return chunk;
        } catch (IOException | RuntimeException e) {
            chunk.release();
            throw e;
        }
    }

    @Override
    public long length() {
        return end - start;
    }

    @Override
    public long progress() {
        return position - start;
    }
}
