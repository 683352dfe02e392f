package io.vaultgate.core.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.stream.EnvelopeReader;
import io.vaultgate.crypto.stream.OutOfOrderEnvelopeWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Envelopes streamed to S3 as segment-aligned multipart uploads, read back with ranged GETs. */
@CatalogIndependent
class S3EnvelopeStreamingTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final int SIZE = 12 * 1024 * 1024 + 12345;
    private static final long STRIDE = EnvelopeFormat.DEFAULT_SEGMENT_SIZE + EnvelopeFormat.SEGMENT_OVERHEAD;

    private final S3StoreFixture s3 = new S3StoreFixture();
    private final S3ObjectStore store = s3.store;
    private final ObjectId id = ObjectId.random(new SecureRandom());
    private final Envelopes envelopes = new Envelopes(ACME, "f_stream");
    private final byte[] plain = Envelopes.plaintext(1, SIZE);

    @AfterEach
    void close() {
        s3.close();
    }

    @Test
    void multipartEnvelope_roundTrips_withEveryPartBoundaryOnASegmentBoundary() throws IOException {
        envelopes.store(store, id, plain);

        assertThat(Envelopes.sha256(envelopes.read(store, id))).isEqualTo(Envelopes.sha256(plain));
        List<S3Requests.Sent> parts = s3.requests.of("UploadPart");
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).requestBytes()).isEqualTo(EnvelopeFormat.HEADER_SIZE + store.partBytes());
        assertThat(parts.get(1).requestBytes()).isEqualTo(store.partBytes());
        assertThat(store.partBytes() % STRIDE).isZero();
        assertThat(s3.requests.of("PutObject")).isEmpty();
        assertThat(s3.openUploads()).isEmpty();
    }

    @Test
    void smallEnvelope_isOnePut() throws IOException {
        byte[] small = Envelopes.plaintext(2, 100_000);
        envelopes.store(store, id, small);

        assertThat(envelopes.read(store, id)).isEqualTo(small);
        assertThat(s3.requests.of("PutObject")).hasSize(1);
        assertThat(s3.requests.of("CreateMultipartUpload")).isEmpty();
    }

    @Test
    void randomAccessRead_fetchesOnlyTheHeaderTheFinalSegmentAndTheCoveringSegment() throws IOException {
        envelopes.store(store, id, plain);
        s3.requests.clear();
        long offset = 7L * 1024 * 1024 + 5;

        byte[] read = new byte[1000];
        try (SeekableByteChannel channel = store.open(ACME, id);
             EnvelopeReader reader = EnvelopeReader.open(envelopes.dek, envelopes.context, channel)) {
            reader.read(offset, ByteBuffer.wrap(read));
        }

        assertThat(read).isEqualTo(Arrays.copyOfRange(plain, (int) offset, (int) offset + 1000));
        List<S3Requests.Sent> gets = s3.requests.of("GetObject");
        assertThat(gets).allSatisfy(get -> assertThat(get.range()).startsWith("bytes="));
        assertThat(s3.requests.bytesFetched()).isLessThanOrEqualTo(EnvelopeFormat.HEADER_SIZE + 2 * STRIDE);
    }

    @Test
    void sequentialRead_streamsAheadInFewRequests() throws IOException {
        envelopes.store(store, id, plain);
        s3.requests.clear();

        assertThat(envelopes.read(store, id)).isEqualTo(plain);

        // header, final segment, then 1 MiB read-ahead windows
        assertThat(s3.requests.of("GetObject").size()).isLessThanOrEqualTo(3 + SIZE / (1024 * 1024) + 1);
    }

    @Test
    void abandonedUpload_isAbortedOnClose_leavingNoPartsAndNoObject() throws IOException {
        PendingObject object = store.create(ACME, id);
        OutOfOrderEnvelopeWriter writer = envelopes.start(object);
        Envelopes.write(writer, plain, 0, SIZE);
        assertThat(s3.openUploads()).hasSize(1);

        writer.close();
        object.close();

        assertThat(s3.openUploads()).isEmpty();
        assertThat(s3.keys()).isEmpty();
        assertThat(s3.requests.of("AbortMultipartUpload")).hasSize(1);
    }

    @Test
    void suspendedUpload_resumes_copyingStoredPartsServerSide() throws IOException {
        int cut = 11 * 1024 * 1024 + 777;
        PendingObject first = store.create(ACME, id);
        OutOfOrderEnvelopeWriter writer = envelopes.start(first);
        Envelopes.write(writer, plain, 0, cut);
        long kept = writer.suspend();
        first.sync();
        first.close();
        assertThat(kept).isEqualTo(cut);
        s3.requests.clear();

        PendingObject again = store.reopen(ACME, id);
        var digest = Envelopes.digest();
        OutOfOrderEnvelopeWriter resumed = envelopes.resume(again, digest);
        assertThat(resumed.committedLength()).isEqualTo(cut);
        Envelopes.write(resumed, plain, cut, SIZE);
        resumed.finish();
        resumed.close();
        store.commit(ACME, again);

        assertThat(envelopes.read(store, id)).isEqualTo(plain);
        assertThat(s3.requests.of("UploadPartCopy")).hasSize(2);
        long sent = s3.requests.of("UploadPart").stream().mapToLong(S3Requests.Sent::requestBytes).sum();
        assertThat(sent).as("only the last part travels again").isLessThan(SIZE - 2 * store.partBytes() + STRIDE * 2);
        assertThat(s3.openUploads()).isEmpty();
    }
}
