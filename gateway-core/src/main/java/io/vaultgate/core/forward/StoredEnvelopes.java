package io.vaultgate.core.forward;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.StoredKeySlot;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.StoredFileAccess;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.seal.DataKeySealer;
import io.vaultgate.crypto.seal.SealContext;
import io.vaultgate.crypto.seal.SitePublicKey;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Opens a committed file for a sealed forward: unwraps its data key with the tenant's KEK only to seal it
 * at once to the site's X25519 key (the unsealed key is destroyed before this returns), and opens the
 * stored envelope as it is. The gateway decrypts nothing on this path; the site authenticates every
 * segment when it opens the envelope.
 */
public final class StoredEnvelopes {

    private final StoredFileAccess stored;
    private final DataKeySealer sealer;

    public StoredEnvelopes(Database database, FileRepository files, ObjectStore store, KeyProvider keys,
                           SecureRandom random) {
        this(new StoredFileAccess(database, files, store, keys), random);
    }

    /** Unwrapping through {@code stored}, e.g. with the core's {@link io.vaultgate.core.kek.KekCatalog}. */
    public StoredEnvelopes(StoredFileAccess stored, SecureRandom random) {
        this.stored = stored;
        this.sealer = new DataKeySealer(random);
    }

    /** Checks the file's key slot read by the caller with the file's row ({@link StoredFileAccess#check}). */
    StoredFileAccess.CheckedSlot checkSlot(Jdbc jdbc, Optional<StoredKeySlot> slot) throws SQLException {
        return stored.check(jdbc, slot);
    }

    /**
     * Unwraps the file's data key from its key slot, {@link #checkSlot checked} by the caller in its read of the job
     * (a KEK version refused there is thrown here), seals it to {@code site} and opens the stored envelope. A KEK
     * version disabled or destroyed after that read is refused by the key provider's own copy where it holds the
     * change (the node that made it; {@code KeyChangedBeforeOpenTest}); else the unwrap succeeds, and only the check
     * right before a job prepared ahead is sent ({@link ForwardAttempt#stillToSend}) stops it, which a turn's first
     * job does not get.
     */
    SealedPayload open(FileRecord file, String siteId, SitePublicKey site, StoredFileAccess.CheckedSlot slot) {
        return stored.open(file, slot, "seal for forwarding", (dataKey, context, envelope) -> new SealedPayload(
                envelope, sealer.seal(dataKey, site, new SealContext(context.tenantId(), context.fileId(), siteId))));
    }
}
