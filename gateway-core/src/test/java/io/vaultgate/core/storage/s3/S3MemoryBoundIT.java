package io.vaultgate.core.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.stream.EnvelopeReader;
import io.vaultgate.crypto.stream.OutOfOrderEnvelopeWriter;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A 200 MiB upload streams through the S3 store holding at most one part in memory (counted by the
 * store's part buffers, whose chunks are the only copies of data on its way out), and every part sent is
 * at most one part long. The plaintext is generated on the fly and never held whole either.
 */
class S3MemoryBoundIT {

    private static final TenantId ACME = TenantId.of("acme");
    private static final long SIZE = 200L * 1024 * 1024;
    private static final int WRITE = 64 * 1024;

    private final S3StoreFixture s3 = new S3StoreFixture();

    @AfterEach
    void close() {
        s3.close();
    }

    @Test
    void twoHundredMebibyteUpload_holdsAtMostOnePartInMemory() throws Exception {
        S3ObjectStore store = s3.store;
        ObjectId id = ObjectId.random(new SecureRandom());
        Envelopes envelopes = new Envelopes(ACME, "f_big");
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        Random source = new Random(200);
        byte[] chunk = new byte[WRITE];

        PendingObject object = store.create(ACME, id);
        OutOfOrderEnvelopeWriter writer = envelopes.start(object);
        for (long at = 0; at < SIZE; at += WRITE) {
            source.nextBytes(chunk);
            sent.update(chunk);
            writer.write(at, ByteBuffer.wrap(chunk));
        }
        writer.finish();
        writer.close();
        store.commit(ACME, object);

        long onePart = EnvelopeFormat.HEADER_SIZE + store.partBytes();
        long onePartInChunks = (onePart + PartBuffer.CHUNK - 1) / PartBuffer.CHUNK * PartBuffer.CHUNK;
        assertThat(store.peakBufferedBytes()).isLessThanOrEqualTo(onePartInChunks);
        assertThat(store.bufferedBytes()).as("released after commit").isZero();
        assertThat(s3.requests.of("UploadPart")).hasSizeGreaterThan(30)
                .allSatisfy(part -> assertThat(part.requestBytes()).isLessThanOrEqualTo(onePart));

        MessageDigest received = MessageDigest.getInstance("SHA-256");
        try (SeekableByteChannel channel = store.open(ACME, id);
             EnvelopeReader reader = EnvelopeReader.open(envelopes.dek, envelopes.context, channel);
             InputStream in = reader.inputStream()) {
            assertThat(reader.size()).isEqualTo(SIZE);
            byte[] buffer = new byte[WRITE];
            for (int n; (n = in.read(buffer)) > 0; ) {
                received.update(buffer, 0, n);
            }
        }
        assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(HexFormat.of().formatHex(sent.digest()));
    }
}
