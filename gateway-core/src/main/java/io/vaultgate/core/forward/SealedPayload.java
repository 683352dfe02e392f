package io.vaultgate.core.forward;

import io.vaultgate.crypto.seal.SealedDataKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * A stored envelope opened for a sealed forward: its ciphertext exactly as stored, read positionally, and
 * its data key sealed to the site. Holds no plaintext and no unsealed key.
 */
final class SealedPayload implements BodySource, AutoCloseable {

    private final SeekableByteChannel ciphertext;
    private final long size;
    private final SealedDataKey sealedKey;

    SealedPayload(SeekableByteChannel ciphertext, SealedDataKey sealedKey) throws IOException {
        this.ciphertext = ciphertext;
        this.size = ciphertext.size();
        this.sealedKey = sealedKey;
    }

    SealedDataKey sealedKey() {
        return sealedKey;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, ByteBuffer dst) throws IOException {
        synchronized (ciphertext) {
            return ciphertext.position(position).read(dst);
        }
    }

    @Override
    public void close() throws IOException {
        ciphertext.close();
    }
}
