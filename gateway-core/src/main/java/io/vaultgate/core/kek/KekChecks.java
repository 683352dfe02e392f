package io.vaultgate.core.kek;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Key checks ({@code kek_versions.kek_check}, V28): whether this node's key of a KEK version is the key the catalog
 * records under that version number, or another one made under the same number elsewhere (a fork: a rotation whose
 * recording failed, or whose node died after its keystore was written, then another node's rotation).
 *
 * <p>A check is a key slot, made by the node that records the version while it is its active one: a random data key,
 * thrown away at once, wrapped by the version for the fixed context ({@code <tenant>}, {@value #CHECK_FILE_ID}),
 * which no file has (file ids are {@code f_} and hex, TOTP secrets' are hex). Stored as base64 of {@link
 * KeySlot#toBytes()}. A node verifies it by unwrapping it: AES-GCM authenticates under the key, so only the same key
 * succeeds. The check holds no more about the key than any file's key slot does: one more AES-GCM wrap with its own
 * random nonce; never the key, nor a deterministic function of it (a classic check value, AES of a zero block, would
 * be GCM's hash key). It works the same with an HSM, whose keys never leave the token.
 *
 * <p>A verification is one unwrap, as costly as the file's own (an HSM operation under PKCS#11), and every wrap and
 * unwrap of a version asks for one. So a verdict that the key is the catalog's is kept for the key handle that gave it
 * ({@link KeyProvider#keyHandle}) and the check it opened: the same check asked of the same handle again is answered
 * from memory, without the key. A handle the provider loads anew (a re-read of its store: a keystore file copied
 * over, a token re-read, at least every 10 s under PKCS#11), another check in the catalog, a rotation or a shred of
 * the tenant, and any verdict other than {@link Verdict#SAME}, are verified again before the key is used: a key that
 * does not open its version's check is never used. A verdict is kept only where the handle named before the unwrap
 * is still the one after it, so the unwrap that gave it went through that handle.
 */
final class KekChecks {

    /** The file id of every check's wrap context: no file's id (they are {@code f_} and hex). */
    static final String CHECK_FILE_ID = "vaultgate.kek-check";

    /** What a verification found. */
    enum Verdict {
        /** This node's key of the version is the catalog's. */
        SAME,
        /** This node holds another key under the version's number: never to be used. */
        FORKED,
        /** Nothing to compare: no check recorded, this node lacks the version or holds it disabled, another provider. */
        UNCHECKED
    }

    private final KeyProvider keys;
    /** The verdicts {@link Verdict#SAME} kept, by version: the check that was opened, and through which handle. */
    private final Map<KekId, Verified> verified = new ConcurrentHashMap<>();

    KekChecks(KeyProvider keys) {
        this.keys = keys;
    }

    /** A check of {@code expected}, which must be this node's active version of its tenant; empty if it is not. */
    Optional<String> ofActive(KekId expected) {
        DataKey thrownAway = DataKey.generate();
        try {
            KeySlot slot = keys.wrap(context(expected.tenantId()), thrownAway);
            return slot.kek().equals(expected) ? Optional.of(Base64.getEncoder().encodeToString(slot.toBytes()))
                    : Optional.empty();
        } catch (CryptoException.KeyNotFound | CryptoException.KeyDisabled | CryptoException.KeyDestroyed none) {
            return Optional.empty();
        } finally {
            thrownAway.destroy();
        }
    }

    /**
     * A check of {@code kek}, a version this node holds enabled though not its active one ({@link
     * KeyProvider#keyCheck}), made only where this node's key of it opens one of {@code slots} (stored data keys of its
     * tenant wrapped by it, tried in order): so the key recorded is the one that wrapped the tenant's data. Empty where
     * none opens, the provider cannot make one, or this node does not hold the version enabled.
     */
    Optional<String> ofOpening(KekId kek, List<KekVersionRepository.FileSlot> slots) {
        if (slots.stream().noneMatch(this::opens)) {
            return Optional.empty();
        }
        try {
            return keys.keyCheck(context(kek.tenantId()), kek)
                    .map(slot -> Base64.getEncoder().encodeToString(slot.toBytes()));
        } catch (CryptoException.KeyNotFound | CryptoException.KeyDisabled | CryptoException.KeyDestroyed none) {
            return Optional.empty();
        }
    }

    /** The name of this node's key provider: whose slots {@link #ofOpening} may try. */
    String provider() {
        return keys.name();
    }

    private boolean opens(KekVersionRepository.FileSlot slot) {
        try {
            keys.unwrap(new EnvelopeContext(slot.kek().tenantId(), slot.fileId()), slot.slot()).destroy();
            return true;
        } catch (CryptoException.AuthenticationFailed | CryptoException.UnsupportedFormat | IllegalArgumentException
                 | CryptoException.KeyNotFound | CryptoException.KeyDisabled | CryptoException.KeyDestroyed notThis) {
            return false;
        }
    }

    /** Compares this node's key of {@code kek} with the catalog's {@code check} ({@code null}: none recorded). */
    Verdict verify(KekId kek, String check) {
        if (check == null) {
            return Verdict.UNCHECKED;
        }
        KeySlot slot;
        try {
            slot = KeySlot.fromBytes(Base64.getDecoder().decode(check));
        } catch (IllegalArgumentException | CryptoException.UnsupportedFormat malformed) {
            return Verdict.FORKED; // a damaged check proves nothing: fail closed
        }
        if (!slot.kek().equals(kek)) {
            return Verdict.FORKED;
        }
        if (!slot.provider().equals(keys.name())) {
            return Verdict.UNCHECKED; // recorded through another provider: its wrap cannot be compared here
        }
        OptionalLong handle = keys.keyHandle(kek);
        if (handle.isPresent() && new Verified(check, handle.getAsLong()).equals(verified.get(kek))) {
            return Verdict.SAME; // this handle opened this check before: the same key
        }
        verified.remove(kek);
        try {
            keys.unwrap(context(kek.tenantId()), slot).destroy();
        } catch (CryptoException.AuthenticationFailed other) {
            return Verdict.FORKED;
        } catch (CryptoException.KeyNotFound | CryptoException.KeyDisabled | CryptoException.KeyDestroyed absent) {
            return Verdict.UNCHECKED; // the catalog's refusals (behind, disabled, destroyed) decide
        }
        if (handle.isPresent() && handle.equals(keys.keyHandle(kek))) { // not loaded anew meanwhile: it opened it
            verified.put(kek, new Verified(check, handle.getAsLong()));
        }
        return Verdict.SAME;
    }

    /** Forgets the verdicts kept of the tenant's versions (a rotation, a shred): the next use verifies again. */
    void forget(String tenant) {
        verified.keySet().removeIf(kek -> kek.tenantId().equals(tenant));
    }

    /** That {@code check} (base64, not secret: a copy of the catalog's) was opened through handle {@code handle}. */
    private record Verified(String check, long handle) {
    }

    private static EnvelopeContext context(String tenant) {
        return new EnvelopeContext(tenant, CHECK_FILE_ID);
    }
}
