package io.vaultgate.core.storage.s3;

import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.stream.EnvelopeReader;
import io.vaultgate.crypto.stream.OutOfOrderEnvelopeWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Writes and reads real envelopes through a store, the way the ingest and download paths do. */
final class Envelopes {

    static final int WRITE = 32 * 1024;

    final TenantId tenant;
    final DataKey dek = DataKey.generate();
    final EnvelopeContext context;

    Envelopes(TenantId tenant, String fileId) {
        this.tenant = tenant;
        this.context = new EnvelopeContext(tenant.value(), fileId);
    }

    /** Deterministic plaintext: the bytes of {@code new Random(seed)}. */
    static byte[] plaintext(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    OutOfOrderEnvelopeWriter start(PendingObject object) throws IOException {
        return OutOfOrderEnvelopeWriter.create(dek, context, object.channel(), 16, null);
    }

    OutOfOrderEnvelopeWriter resume(PendingObject object, MessageDigest digest) throws IOException {
        return OutOfOrderEnvelopeWriter.resume(dek, context, object.channel(), 16, digest::update);
    }

    OutOfOrderEnvelopeWriter recover(PendingObject object) throws IOException {
        return OutOfOrderEnvelopeWriter.recover(dek, context, object.channel(), 16, null);
    }

    /** Writes {@code plain[from, to)} in 32 KiB writes at their offsets. */
    static void write(OutOfOrderEnvelopeWriter writer, byte[] plain, int from, int to) throws IOException {
        for (int at = from; at < to; at += WRITE) {
            writer.write(at, ByteBuffer.wrap(plain, at, Math.min(WRITE, to - at)));
        }
    }

    /** A whole envelope of {@code plain}, committed. */
    void store(ObjectStore store, ObjectId id, byte[] plain) throws IOException {
        PendingObject object = store.create(tenant, id);
        OutOfOrderEnvelopeWriter writer = start(object);
        write(writer, plain, 0, plain.length);
        writer.finish();
        writer.close();
        store.commit(tenant, object);
    }

    /** The committed object's plaintext, decrypted and authenticated. */
    byte[] read(ObjectStore store, ObjectId id) throws IOException {
        try (SeekableByteChannel channel = store.open(tenant, id);
             EnvelopeReader reader = EnvelopeReader.open(dek, context, channel);
             InputStream in = reader.inputStream()) {
            return in.readAllBytes();
        }
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
