package io.vaultgate.https.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vaultgate.core.ingest.CommitChecks;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.https.http.HttpProblem;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BodyWriterTest {

    /** Records what the core would see: every write's offset, size, memory kind and bytes. */
    private static final class Recorder implements Upload {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Long> offsets = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();
        boolean sawDirect;

        @Override
        public void write(long offset, ByteBuffer src) {
            offsets.add(offset);
            sizes.add(src.remaining());
            sawDirect |= src.isDirect();
            byte[] copy = new byte[src.remaining()];
            src.get(copy);
            bytes.writeBytes(copy);
        }

        @Override
        public String fileId() {
            return "f_test";
        }

        @Override
        public long resumeOffset() {
            return 0;
        }

        @Override
        public Receipt commit(CommitChecks checks) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void abort() {
        }

        @Override
        public void suspend() {
        }

        @Override
        public void close() {
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void directChunk_reachesTheCoreAsHeapPiecesOfOneSegment_inOrder_atRunningOffsets() {
        byte[] data = random(BodyWriter.PIECE_BYTES * 3 + 1234, 1);
        Recorder upload = new Recorder();
        ByteArrayOutputStream observed = new ByteArrayOutputStream();
        BodyWriter writer = new BodyWriter(upload, 100, Long.MAX_VALUE, buffer -> {
            byte[] copy = new byte[buffer.remaining()];
            buffer.get(copy); // the observer gets its own view: the core still sees every byte
            observed.writeBytes(copy);
        });
        ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(data.length + 10);
        try {
            chunk.writeBytes(new byte[10]).skipBytes(10).writeBytes(data); // readerIndex not at 0
            writer.write(chunk);
            assertEquals(10, chunk.readerIndex(), "the chunk is only read, not consumed");
        } finally {
            chunk.release();
        }
        assertArrayEquals(data, upload.bytes.toByteArray());
        assertArrayEquals(data, observed.toByteArray());
        assertEquals(List.of(BodyWriter.PIECE_BYTES, BodyWriter.PIECE_BYTES, BodyWriter.PIECE_BYTES, 1234), upload.sizes);
        assertEquals(List.of(100L, 100L + BodyWriter.PIECE_BYTES, 100L + 2L * BodyWriter.PIECE_BYTES,
                100L + 3L * BodyWriter.PIECE_BYTES), upload.offsets);
        assertTrue(!upload.sawDirect, "direct memory is copied into heap pieces before hashing and encryption");
        assertEquals(100L + data.length, writer.offset());
    }

    @Test
    void heapChunk_isHandedOverWhole_withoutACopy() {
        byte[] data = random(300_000, 2);
        Recorder upload = new Recorder();
        BodyWriter writer = new BodyWriter(upload, 0, Long.MAX_VALUE, buffer -> { });
        writer.write(Unpooled.wrappedBuffer(data));
        assertEquals(List.of(data.length), upload.sizes);
        assertArrayEquals(data, upload.bytes.toByteArray());
    }

    @Test
    void compositeChunkOfDirectAndHeapParts_arrivesByteForByte() {
        byte[] data = random(200_000, 3);
        Recorder upload = new Recorder();
        BodyWriter writer = new BodyWriter(upload, 0, Long.MAX_VALUE, buffer -> { });
        CompositeByteBuf chunk = Unpooled.compositeBuffer();
        chunk.addComponent(true, Unpooled.directBuffer(70_000).writeBytes(data, 0, 70_000));
        chunk.addComponent(true, Unpooled.wrappedBuffer(data, 70_000, 130_000));
        try {
            writer.write(chunk);
        } finally {
            chunk.release();
        }
        assertArrayEquals(data, upload.bytes.toByteArray());
        assertTrue(!upload.sawDirect);
    }

    @Test
    void successiveChunks_continueAtTheRunningOffset_andTheLimitIsCheckedBeforeAnyByteIsWritten() {
        Recorder upload = new Recorder();
        BodyWriter writer = new BodyWriter(upload, 0, 150_000, buffer -> { });
        ByteBuf first = Unpooled.directBuffer(100_000).writeBytes(random(100_000, 4));
        ByteBuf second = Unpooled.directBuffer(60_000).writeBytes(random(60_000, 5));
        try {
            writer.write(first);
            HttpProblem tooLarge = assertThrows(HttpProblem.class, () -> writer.write(second));
            assertEquals(413, tooLarge.status().code());
        } finally {
            first.release();
            second.release();
        }
        assertEquals(100_000, upload.bytes.size(), "nothing of the chunk that crosses the limit is written");
        assertEquals(100_000, writer.offset());
    }
}
