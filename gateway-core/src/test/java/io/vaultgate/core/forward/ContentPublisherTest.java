package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.files.FileContent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class ContentPublisherTest {

    @Test
    void emitsOnlyWhatIsRequested_inSegmentSizedBuffers() {
        Recorder recorder = new Recorder();
        new ContentPublisher(content(ContentPublisher.CHUNK * 2 + 10)).subscribe(recorder);

        assertThat(recorder.buffers).isEmpty();
        recorder.subscription.request(1);
        assertThat(recorder.buffers).hasSize(1);
        assertThat(recorder.buffers.get(0).remaining()).isEqualTo(ContentPublisher.CHUNK);
        recorder.subscription.request(5);
        assertThat(recorder.buffers).extracting(ByteBuffer::remaining).containsExactly(ContentPublisher.CHUNK,
                ContentPublisher.CHUNK, 10);
        assertThat(recorder.completed).isTrue();
    }

    @Test
    void reentrantRequestsFromOnNext_deliverEverythingInOrder() {
        byte[] bytes = bytes(ContentPublisher.CHUNK * 5 + 3);
        Recorder recorder = new Recorder() {
            @Override
            public void onNext(ByteBuffer item) {
                super.onNext(item);
                subscription.request(1);
            }
        };
        new ContentPublisher(content(bytes)).subscribe(recorder);
        recorder.subscription.request(1);

        assertThat(recorder.joined()).isEqualTo(bytes);
        assertThat(recorder.completed).isTrue();
    }

    @Test
    void everySubscription_startsAtTheBeginning() {
        ContentPublisher publisher = new ContentPublisher(content(100));
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        publisher.subscribe(first);
        first.subscription.request(Long.MAX_VALUE);
        publisher.subscribe(second);
        second.subscription.request(Long.MAX_VALUE);
        assertThat(second.joined()).isEqualTo(first.joined()).hasSize(100);
    }

    @Test
    void nonPositiveDemand_andReadFailures_endWithAnError() {
        Recorder recorder = new Recorder();
        new ContentPublisher(content(10)).subscribe(recorder);
        recorder.subscription.request(0);
        assertThat(recorder.error).isInstanceOf(IllegalArgumentException.class);

        Recorder failing = new Recorder();
        new ContentPublisher(new Bytes(new byte[10]) {
            @Override
            public int read(long position, ByteBuffer dst) throws IOException {
                throw new IOException("segment 0 failed authentication");
            }
        }).subscribe(failing);
        failing.subscription.request(1);
        assertThat(failing.error).hasMessageContaining("authentication");
        assertThat(failing.buffers).isEmpty();
    }

    @Test
    void cancel_stopsTheStream() {
        Recorder recorder = new Recorder();
        new ContentPublisher(content(ContentPublisher.CHUNK * 3)).subscribe(recorder);
        recorder.subscription.request(1);
        recorder.subscription.cancel();
        recorder.subscription.request(5);
        assertThat(recorder.buffers).hasSize(1);
        assertThat(recorder.completed).isFalse();
    }

    private static FileContent content(int size) {
        return content(bytes(size));
    }

    private static FileContent content(byte[] bytes) {
        return new Bytes(bytes);
    }

    private static byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    private static class Bytes implements FileContent {
        private final byte[] bytes;

        Bytes(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public String fileId() {
            return "f_test";
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public String sha256() {
            return "0".repeat(64);
        }

        @Override
        public int read(long position, ByteBuffer dst) throws IOException {
            if (position >= bytes.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), Math.min(1000, bytes.length - position));
            dst.put(bytes, (int) position, n);
            return n;
        }

        @Override
        public void close() {
        }
    }

    private static class Recorder implements Flow.Subscriber<ByteBuffer> {
        final List<ByteBuffer> buffers = new ArrayList<>();
        Flow.Subscription subscription;
        boolean completed;
        Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
        }

        @Override
        public void onNext(ByteBuffer item) {
            buffers.add(item);
        }

        @Override
        public void onError(Throwable throwable) {
            error = throwable;
        }

        @Override
        public void onComplete() {
            completed = true;
        }

        byte[] joined() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (ByteBuffer buffer : buffers) {
                ByteBuffer copy = buffer.duplicate();
                byte[] chunk = new byte[copy.remaining()];
                copy.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
            return out.toByteArray();
        }
    }
}
