package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.StoredKeySlot;
import io.vaultgate.core.ingest.KeySlots;
import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.core.kek.KekRefusals;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * A committed file's stored envelope together with its data key, unwrapped from the catalog's key slot by the
 * tenant's KEK, for one use: reading it in plaintext, or sealing the key to a site. The key is destroyed when
 * the use returns; the channel is closed if it fails. A committed file whose key slot is missing, whose key does
 * not unwrap or whose object cannot be opened or authenticated fails with {@code INTERNAL}: the stored copy is
 * unreadable, which is the gateway's fault, not the caller's ({@code INTEGRITY} means that what a client sent
 * did not match its digest). The caller's message names its own path only; the file id, the tenant and the cause
 * are in the log detail. A KEK version the catalog marks disabled or destroyed is refused the same way, also where
 * this node's keystore copy still holds it; one the catalog records and this node's copy lacks yet is
 * {@code UNAVAILABLE} instead ({@link KekCatalog#requireUsable}).
 */
public final class StoredFileAccess {

    /** What is done with the key and the stored envelope; the result owns the channel. */
    @FunctionalInterface
    public interface Use<T> {
        T apply(DataKey dataKey, EnvelopeContext context, SeekableByteChannel envelope)
                throws IOException, CryptoException;
    }

    private final Database database;
    private final FileRepository files;
    private final ObjectStore store;
    private final KeyProvider keys;
    private final KeySlots slots = new KeySlots();
    private final KekCatalog kek;

    /** Outside a core (tests, tools): refusals are logged by this object only, and counted nowhere scraped. */
    public StoredFileAccess(Database database, FileRepository files, ObjectStore store, KeyProvider keys) {
        this(database, files, store, keys, new KekCatalog(database, keys, KekRefusals.unmetered(), Clock.systemUTC()));
    }

    /** @param kek the node's, shared by the core's services: one WARN per refusal on this node, each one counted */
    public StoredFileAccess(Database database, FileRepository files, ObjectStore store, KeyProvider keys,
                            KekCatalog kek) {
        this.database = database;
        this.files = files;
        this.store = store;
        this.keys = keys;
        this.kek = kek;
    }

    /**
     * A file's key slot as the catalog holds it, checked usable ({@link KekCatalog#requireUsable}) in the read that
     * found it: the slot, or none (the file has no key slot), or the refusal of its KEK version, which {@link #open(
     * FileRecord, CheckedSlot, String, Use)} throws as {@link #open(FileRecord, String, Use)} would have.
     */
    public record CheckedSlot(Optional<KeySlot> slot, Optional<RuntimeException> refusal) {
    }

    /**
     * Checks a key slot read by the caller with the file's row (e.g. in one joined statement, {@code stored} empty if
     * the file has none) in the caller's catalog read {@code jdbc}: so that opening the file reads nothing more from
     * the catalog. A statement that fails is thrown; a refusal is kept for the open.
     */
    public CheckedSlot check(Jdbc jdbc, Optional<StoredKeySlot> stored) throws SQLException {
        try {
            Optional<KeySlot> slot = stored.map(slots::fromStored);
            if (slot.isPresent()) {
                kek.requireUsable(jdbc, slot.get().kek());
            }
            return new CheckedSlot(slot, Optional.empty());
        } catch (RuntimeException refusal) {
            return new CheckedSlot(Optional.empty(), Optional.of(refusal));
        }
    }

    /** @param purpose what the use is, for the log message of a failure ("open", "seal for forwarding") */
    public <T> T open(FileRecord file, String purpose, Use<T> use) {
        return open(file, database.read(jdbc -> check(jdbc, files.keySlot(jdbc, file.id()))), purpose, use);
    }

    /** Like {@link #open(FileRecord, String, Use)}, with the file's key slot read and checked by the caller. */
    public <T> T open(FileRecord file, CheckedSlot checked, String purpose, Use<T> use) {
        EnvelopeContext context = new EnvelopeContext(file.tenant().value(), file.id());
        SeekableByteChannel channel = null;
        DataKey dataKey = null;
        try {
            if (checked.refusal().isPresent()) {
                throw checked.refusal().get();
            }
            KeySlot slot = checked.slot().orElseThrow(() -> unreadable(file, purpose, null));
            dataKey = keys.unwrap(context, slot);
            channel = store.open(file.tenant(), file.objectId());
            return use.apply(dataKey, context, channel);
        } catch (IOException | CryptoException e) {
            closeQuietly(channel);
            throw unreadable(file, purpose, e);
        } finally {
            if (dataKey != null) {
                dataKey.destroy();
            }
        }
    }

    private static GatewayException unreadable(FileRecord file, String purpose, Exception cause) {
        return new GatewayException(Reason.INTERNAL, file.path() + ": the stored file cannot be read (a fault on the "
                + "gateway's side)",
                "file " + file.id() + " of tenant " + file.tenant() + " failed to " + purpose, cause);
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
}
