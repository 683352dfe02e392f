package io.vaultgate.core.files;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.StoredKeySlot;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.stream.EnvelopeReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Opens a committed file for plaintext reads: unwraps its data key from the catalog's key slot and
 * authenticates the envelope (header and final segment) before the first byte is returned. A file whose
 * key slot is missing, whose ciphertext was tampered with or whose size differs from the catalog's, fails with {@code INTERNAL} ({@link StoredFileAccess}).
 */
public final class DecryptingFileOpener implements FileOpener {

    private final StoredFileAccess stored;

    public DecryptingFileOpener(Database database, FileRepository files, ObjectStore store, KeyProvider keys) {
        this(new StoredFileAccess(database, files, store, keys));
    }

    /** Reading through {@code stored}, e.g. with the core's {@link io.vaultgate.core.kek.KekCatalog}. */
    public DecryptingFileOpener(StoredFileAccess stored) {
        this.stored = stored;
    }

    @Override
    public FileContent open(FileRecord file) {
        return stored.open(file, "open", (dataKey, context, envelope) ->
                new Content(file, sized(file, EnvelopeReader.open(dataKey, context, envelope)), envelope));
    }

    /**
     * Checks the file's key slot, read by the caller with the file's row, in the caller's catalog read
     * ({@link StoredFileAccess#check}); {@link #open(FileRecord, StoredFileAccess.CheckedSlot)} then reads nothing
     * more from the catalog. The forwarder reads a job's file, account, site and key slot in one statement so.
     */
    public StoredFileAccess.CheckedSlot checkSlot(Jdbc jdbc, Optional<StoredKeySlot> slot) throws SQLException {
        return stored.check(jdbc, slot);
    }

    /** Like {@link #open(FileRecord)}, with the key slot {@link #checkSlot checked} by the caller. */
    public FileContent open(FileRecord file, StoredFileAccess.CheckedSlot slot) {
        return stored.open(file, slot, "open", (dataKey, context, envelope) ->
                new Content(file, sized(file, EnvelopeReader.open(dataKey, context, envelope)), envelope));
    }

    /**
     * The envelope authenticates its own length, the catalog records the size the upload committed; a reader
     * never serves a file whose two disagree (an altered catalog row, or a row pointing at another of the
     * tenant's objects), so a size a client was told matches the bytes it gets.
     */
    private static EnvelopeReader sized(FileRecord file, EnvelopeReader reader) throws IOException {
        if (reader.size() != file.size()) {
            reader.close();
            throw new IOException("stored plaintext is " + reader.size() + " bytes, the catalog records "
                    + file.size());
        }
        return reader;
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
