package io.vaultgate.core.catalog;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** API tokens, stored only as their SHA-256. */
public final class TokenRepository {

    /**
     * What a token row grants: a principal kind ({@code account}, {@code operator}, {@code admin} or {@code monitor})
     * and its id (the account's or operator's id, the administrator's or monitor's name).
     */
    public record TokenGrant(String principalKind, String principalId) {
    }

    public void insert(Jdbc jdbc, String tokenHash, TokenGrant grant, String label, Instant now,
                       Optional<Instant> expiresAt) throws SQLException {
        jdbc.update("INSERT INTO api_tokens (token_hash, principal_kind, principal_id, label, created_at, "
                        + "expires_at) VALUES (?, ?, ?, ?, ?, ?)", tokenHash, grant.principalKind(),
                grant.principalId(), label, now.toEpochMilli(), expiresAt.map(Instant::toEpochMilli).orElse(null));
    }

    /** How many live tokens (not revoked, not expired at {@code now}) the principal has. */
    public long countLive(Jdbc jdbc, TokenGrant grant, Instant now) throws SQLException {
        return jdbc.count("SELECT COUNT(*) FROM api_tokens WHERE principal_kind = ? AND principal_id = ? "
                + "AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", grant.principalKind(),
                grant.principalId(), now.toEpochMilli());
    }

    /** The grant of a live token: not revoked and not expired at {@code now}. */
    public Optional<TokenGrant> findLive(Jdbc jdbc, String tokenHash, Instant now) throws SQLException {
        return jdbc.queryOne("SELECT principal_kind, principal_id FROM api_tokens WHERE token_hash = ? "
                        + "AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
                row -> new TokenGrant(row.getString(1), row.getString(2)), tokenHash, now.toEpochMilli());
    }
}
