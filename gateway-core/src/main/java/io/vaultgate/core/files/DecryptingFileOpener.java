package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.StoredKeySlot;
import io.vaultgate.core.ingest.KeySlots;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.stream.EnvelopeReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * Opens a committed file for plaintext reads: unwraps its data key from the catalog's key slot and
 * authenticates the envelope (header and final segment) before the first byte is returned. A file whose
 * key slot was shredded, or whose ciphertext was tampered with, fails with {@code INTEGRITY}.
 */
public final class DecryptingFileOpener implements FileOpener {

    private final Database database;
    private final FileRepository files;
    private final ObjectStore store;
    private final KeyProvider keys;
    private final KeySlots slots = new KeySlots();

    public DecryptingFileOpener(Database database, FileRepository files, ObjectStore store, KeyProvider keys) {
        this.database = database;
        this.files = files;
        this.store = store;
        this.keys = keys;
    }

    @Override
    public FileContent open(FileRecord file) {
        EnvelopeContext context = new EnvelopeContext(file.tenant().value(), file.id());
        StoredKeySlot stored = database.read(jdbc -> files.keySlot(jdbc, file.id()))
                .orElseThrow(() -> unreadable(file, null));
        SeekableByteChannel channel = null;
        DataKey dek = null;
        try {
            dek = keys.unwrap(context, slots.fromStored(stored));
            channel = store.open(file.tenant(), file.objectId());
            EnvelopeReader reader = EnvelopeReader.open(dek, context, channel);
            return new Content(file, reader, channel);
        } catch (IOException | CryptoException e) {
            closeQuietly(channel);
            throw unreadable(file, e);
        } finally {
            if (dek != null) {
                dek.destroy();
            }
        }
    }

    private static GatewayException unreadable(FileRecord file, Exception cause) {
        return new GatewayException(Reason.INTEGRITY, file.path() + ": the file cannot be read",
                "file " + file.id() + " of tenant " + file.tenant() + " failed to open", cause);
    }

    private static void closeQuietly(SeekableByteChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing
            }
        }
    }

    private record Content(FileRecord file, EnvelopeReader reader, SeekableByteChannel channel)
            implements FileContent {
        @Override
        public String fileId() {
            return file.id();
        }

        @Override
        public long size() {
            return reader.size();
        }

        @Override
        public String sha256() {
            return file.sha256().orElseThrow();
        }

        @Override
        public int read(long position, ByteBuffer dst) throws IOException {
            try {
                return reader.read(position, dst);
            } catch (CryptoException e) {
                throw new IOException("file " + file.id() + " failed authentication", e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                reader.close();
            } finally {
                channel.close();
            }
        }
    }
}
