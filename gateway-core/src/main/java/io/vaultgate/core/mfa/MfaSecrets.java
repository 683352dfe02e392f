package io.vaultgate.core.mfa;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.InsecureKeyAccess;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The {@code mfa_secrets} table. A TOTP secret is a 32-byte {@link DataKey} wrapped by the key provider under
 * the gateway's own KEK {@value #KEK}, exactly like a file's data key under its tenant's KEK: the catalog
 * alone (a stolen backup, a read-only SQL injection) never reveals a secret, and the wrap's associated data
 * binds it to its principal, so a row copied to another principal fails to unwrap. The KEK is made at the first
 * enrollment and recorded in the catalog's {@code kek_versions} like a tenant's ({@link
 * KekCatalog#ensureGatewayKek}): on a scale-out where each node holds its own keystore copy, a node lacking it
 * refuses to enroll instead of making a second one that no other node could unwrap with.
 */
final class MfaSecrets {

    /** The key provider's KEK that wraps TOTP secrets (not a tenant: tenant ids cannot contain a dot). */
    static final String KEK = "vaultgate.mfa";

    /** What a client is told when this node cannot check its code: nothing about keys or nodes; a retry may work. */
    static final String CHECK_UNAVAILABLE = "verification codes cannot be checked on this gateway node now; retry "
            + "later";

    record Stored(KeySlot slot, long lastStep) {
    }

    private final KeyProvider keys;
    private final KekCatalog kekCatalog;

    /** @param kekCatalog records {@value #KEK} in the catalog, so that two nodes never make two different ones */
    MfaSecrets(KeyProvider keys, KekCatalog kekCatalog) {
        this.keys = keys;
        this.kekCatalog = kekCatalog;
    }

    /** Wraps a fresh secret for the principal and stores it, replacing any earlier one. */
    DataKey create(Jdbc jdbc, Role role, String name, Instant now) throws SQLException {
        DataKey secret = DataKey.generate();
        kekCatalog.ensureGatewayKek(jdbc, KEK);
        KeySlot slot = keys.wrap(context(role, name), secret);
        jdbc.update("DELETE FROM mfa_secrets WHERE principal_kind = ? AND principal_name = ?", role.key(), name);
        jdbc.update("INSERT INTO mfa_secrets (principal_kind, principal_name, provider, kek_tenant, kek_version, "
                        + "wrapped, last_step, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", role.key(), name,
                slot.provider(), slot.kek().tenantId(), slot.kek().version(),
                Base64.getEncoder().encodeToString(slot.wrapped()), 0L, now.toEpochMilli());
        return secret;
    }

    /**
     * The principal's stored secret, once the catalog's record of the KEK that wraps it lets this node unwrap with it
     * ({@link KekCatalog#requireUsable}): a node whose keystore copy lacks the KEK (copied before the first
     * enrollment) is refused as behind the catalog, counted in {@code vaultgate_kek_refusals_total} and logged with
     * the fix, instead of failing on a key "not found" that tells neither the client nor the log what to do.
     *
     * @throws GatewayException {@code UNAVAILABLE} ({@link #CHECK_UNAVAILABLE} for the client) when this node's
     *                          keystore is behind the catalog's record or forked from it
     */
    Optional<Stored> findUsable(Jdbc jdbc, Role role, String name) throws SQLException {
        Optional<Stored> stored = find(jdbc, role, name);
        if (stored.isPresent()) {
            try {
                kekCatalog.requireUsable(jdbc, stored.get().slot().kek());
            } catch (GatewayException refused) {
                throw new GatewayException(refused.reason(), CHECK_UNAVAILABLE, refused.getMessage(),
                        refused.getCause());
            }
        }
        return stored;
    }

    Optional<Stored> find(Jdbc jdbc, Role role, String name) throws SQLException {
        return jdbc.queryOne("SELECT provider, kek_tenant, kek_version, wrapped, last_step FROM mfa_secrets "
                + "WHERE principal_kind = ? AND principal_name = ?", row -> new Stored(new KeySlot(row.getString(1),
                new KekId(row.getString(2), row.getInt(3)), Base64.getDecoder().decode(row.getString(4))),
                row.getLong(5)), role.key(), name);
    }

    /** The secret's bytes; the caller wipes them. */
    byte[] unwrap(Role role, String name, KeySlot slot) {
        DataKey key = keys.unwrap(context(role, name), slot);
        try {
            return key.toByteArray(InsecureKeyAccess.get());
        } finally {
            key.destroy();
        }
    }

    /** Marks {@code step} used; false when it (or a later one) already was, by a concurrent login. */
    boolean use(Jdbc jdbc, Role role, String name, long step) throws SQLException {
        return jdbc.update("UPDATE mfa_secrets SET last_step = ? WHERE principal_kind = ? AND principal_name = ? "
                + "AND last_step < ?", step, role.key(), name, step) == 1;
    }

    boolean delete(Jdbc jdbc, Role role, String name) throws SQLException {
        return jdbc.update("DELETE FROM mfa_secrets WHERE principal_kind = ? AND principal_name = ?", role.key(),
                name) > 0;
    }

    private static EnvelopeContext context(Role role, String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((role.key() + ":" + name).getBytes(StandardCharsets.UTF_8));
            return new EnvelopeContext(KEK, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
