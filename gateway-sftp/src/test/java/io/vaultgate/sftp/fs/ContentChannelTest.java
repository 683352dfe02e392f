package io.vaultgate.sftp.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.files.FileContent;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ContentChannelTest {

    /** A file of {@code size} bytes whose reads stop at 64 KiB segment boundaries, as decryption does. */
    static FileContent segmented(int size) {
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
                long segmentEnd = (position / 65536 + 1) * 65536;
                int n = (int) Math.min(Math.min(dst.remaining(), segmentEnd - position), size - position);
                for (int i = 0; i < n; i++) {
                    dst.put((byte) (position + i));
                }
                return n;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void read_fillsTheBufferAcrossSegmentBoundaries() throws Exception {
        ContentChannel channel = new ContentChannel(Path.of("/x"), segmented(200_000));
        ByteBuffer buffer = ByteBuffer.allocate(32768);
        channel.position(65536 - 100);
        assertThat(channel.read(buffer)).isEqualTo(32768);
        assertThat(buffer.get(100)).isEqualTo((byte) 65536);
    }

    @Test
    void read_isShortOnlyAtTheEndThenEof() throws Exception {
        ContentChannel channel = new ContentChannel(Path.of("/x"), segmented(1000));
        assertThat(channel.position(900).read(ByteBuffer.allocate(500))).isEqualTo(100);
        assertThat(channel.read(ByteBuffer.allocate(500))).isEqualTo(-1);
        assertThat(channel.size()).isEqualTo(1000);
    }
}
