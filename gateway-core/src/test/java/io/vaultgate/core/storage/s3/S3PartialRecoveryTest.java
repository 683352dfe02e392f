package io.vaultgate.core.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.stream.OutOfOrderEnvelopeWriter;
import java.io.IOException;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * A writer that dies mid-upload leaves a multipart upload open on the object's key, with parts S3 will not
 * let anyone read. Reopening completes the run of whole parts into a valid partial envelope, which the
 * envelope writer re-authenticates and continues.
 */
@CatalogIndependent
class S3PartialRecoveryTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final int SIZE = 12 * 1024 * 1024 + 4321;

    private final S3StoreFixture s3 = new S3StoreFixture();
    private final ObjectId id = ObjectId.random(new SecureRandom());
    private final Envelopes envelopes = new Envelopes(ACME, "f_crash");
    private final byte[] plain = Envelopes.plaintext(3, SIZE);

    @AfterEach
    void close() {
        s3.close();
    }

    @Test
    void crashMidUpload_reopenCompletesTheSentParts_andTheUploadResumesFromThem() throws IOException {
        PendingObject dying = s3.store.create(ACME, id);
        OutOfOrderEnvelopeWriter writer = envelopes.start(dying);
        Envelopes.write(writer, plain, 0, SIZE); // two parts sent, the third still in memory: then the crash
        assertThat(s3.openUploads()).hasSize(1);

        try (S3ObjectStore restarted = restartedStore()) {
            long kept;
            try (PendingObject object = restarted.reopen(ACME, id)) {
                OutOfOrderEnvelopeWriter recovered = envelopes.recover(object);
                kept = recovered.suspend();
                recovered.close();
                object.sync();
            }
            long segmentsInTwoParts = 2 * restarted.partBytes()
                    / (EnvelopeFormat.DEFAULT_SEGMENT_SIZE + EnvelopeFormat.SEGMENT_OVERHEAD);
            assertThat(kept).isEqualTo(segmentsInTwoParts * EnvelopeFormat.DEFAULT_SEGMENT_SIZE);
            assertThat(s3.openUploads()).isEmpty();

            PendingObject resumed = restarted.reopen(ACME, id);
            var digest = Envelopes.digest();
            OutOfOrderEnvelopeWriter continued = envelopes.resume(resumed, digest);
            Envelopes.write(continued, plain, (int) kept, SIZE);
            continued.finish();
            continued.close();
            restarted.commit(ACME, resumed);

            assertThat(envelopes.read(restarted, id)).isEqualTo(plain);
        }
    }

    @Test
    void openUploadShorterThanTheStoredPartial_isAborted_andThePartialKept() throws IOException {
        int cut = 11 * 1024 * 1024;
        PendingObject first = s3.store.create(ACME, id);
        OutOfOrderEnvelopeWriter writer = envelopes.start(first);
        Envelopes.write(writer, plain, 0, cut);
        writer.suspend();
        first.sync();
        first.close();
        String key = s3.store.key(ACME, id);
        String stale = s3.client.createMultipartUpload(r -> r.bucket(s3.bucket).key(key)).uploadId();
        s3.client.uploadPart(r -> r.bucket(s3.bucket).key(key).uploadId(stale).partNumber(1),
                RequestBody.fromBytes(new byte[1024]));

        try (PendingObject object = s3.store.reopen(ACME, id)) {
            OutOfOrderEnvelopeWriter resumed = envelopes.resume(object, Envelopes.digest());
            assertThat(resumed.committedLength()).isEqualTo(cut);
            resumed.close();
        }
        assertThat(s3.openUploads()).isEmpty();
    }

    @Test
    void delete_abortsUploadsACrashLeftOpen() throws IOException {
        PendingObject dying = s3.store.create(ACME, id);
        Envelopes.write(envelopes.start(dying), plain, 0, SIZE);
        assertThat(s3.openUploads()).hasSize(1);

        try (S3ObjectStore restarted = restartedStore()) {
            restarted.delete(ACME, id);
        }

        assertThat(s3.openUploads()).isEmpty();
        assertThat(s3.keys()).isEmpty();
    }

    private S3ObjectStore restartedStore() {
        return new S3ObjectStore(s3.server.client(), s3.store.settings(), s3.clock);
    }
}
