package io.vaultgate.core.forward;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.StoredKeySlot;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.ingest.KeySlots;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.seal.DataKeySealer;
import io.vaultgate.crypto.seal.SealContext;
import io.vaultgate.crypto.seal.SitePublicKey;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.security.SecureRandom;

/**
 * Opens a committed file for a sealed forward: unwraps its data key with the tenant's KEK only to seal it
 * at once to the site's X25519 key (the unsealed key is destroyed before this returns), and opens the
 * stored envelope as it is. The gateway decrypts nothing on this path; the site authenticates every
 * segment when it opens the envelope.
 */
public final class StoredEnvelopes {

    private final Database database;
    private final FileRepository files;
    private final ObjectStore store;
    private final KeyProvider keys;
    private final DataKeySealer sealer;
    private final KeySlots slots = new KeySlots();

    public StoredEnvelopes(Database database, FileRepository files, ObjectStore store, KeyProvider keys,
                           SecureRandom random) {
        this.sealer = new DataKeySealer(random);
        this.database = database;
        this.files = files;
        this.store = store;
        this.keys = keys;
    }

    SealedPayload open(FileRecord file, String siteId, SitePublicKey site) {
        EnvelopeContext context = new EnvelopeContext(file.tenant().value(), file.id());
        StoredKeySlot stored = database.read(jdbc -> files.keySlot(jdbc, file.id()))
                .orElseThrow(() -> unreadable(file, null));
        DataKey dek = null;
        SeekableByteChannel channel = null;
        try {
            dek = keys.unwrap(context, slots.fromStored(stored));
            var sealed = sealer.seal(dek, site, new SealContext(context.tenantId(), context.fileId(), siteId));
            channel = store.open(file.tenant(), file.objectId());
            return new SealedPayload(channel, sealed);
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
                "file " + file.id() + " of tenant " + file.tenant() + " cannot be sealed for forwarding", cause);
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
