package io.vaultgate.https.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vaultgate.core.files.FileContent;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chunks of a span are the span's bytes in order, at most {@link FileContentInput#CHUNK_SIZE} each. */
class FileContentInputTest {

    private final byte[] data = new byte[3 * FileContentInput.CHUNK_SIZE + 12_345];
    private boolean closed;

    FileContentInputTest() {
        new Random(7).nextBytes(data);
    }

    @Test
    void aSpanAcrossChunkBoundaries_comesOutWhole_inChunksOfAtMostTheChunkSize() throws Exception {
        int first = FileContentInput.CHUNK_SIZE - 100;
        int length = data.length - first - 50;
        FileContentInput input = new FileContentInput(content(data.length), first, length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        while (!input.isEndOfInput()) {
            ByteBuf chunk = input.readChunk(ByteBufAllocator.DEFAULT);
            assertThat(chunk.readableBytes()).isPositive().isLessThanOrEqualTo(FileContentInput.CHUNK_SIZE);
            byte[] bytes = new byte[chunk.readableBytes()];
            chunk.readBytes(bytes);
            chunk.release();
            out.write(bytes);
            assertThat(input.progress()).isEqualTo(out.size());
        }
        input.close();

        assertThat(input.readChunk(ByteBufAllocator.DEFAULT)).isNull();
        assertThat(out.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(data, first, first + length));
        assertThat(input.length()).isEqualTo(length);
        assertThat(closed).isTrue();
    }

    @Test
    void aFileShorterThanItsSpan_failsInsteadOfSendingLess() {
        FileContentInput input = new FileContentInput(content(FileContentInput.CHUNK_SIZE / 2), 0, data.length);

        assertThatThrownBy(() -> input.readChunk(ByteBufAllocator.DEFAULT)).isInstanceOf(EOFException.class);
    }

    /** The first {@code size} bytes of {@link #data}, handed out in reads of at most 10 000 bytes. */
    private FileContent content(int size) {
        return new FileContent() {
            @Override
            public String fileId() {
                return "f";
            }

            @Override
            public long size() {
                return size;
            }

            @Override
            public String sha256() {
                return "";
            }

            @Override
            public int read(long position, ByteBuffer dst) {
                if (position >= size) {
                    return -1;
                }
                int n = (int) Math.min(Math.min(dst.remaining(), 10_000), size - position);
                dst.put(data, (int) position, n);
                return n;
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }
}
