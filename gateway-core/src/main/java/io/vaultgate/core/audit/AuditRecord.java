package io.vaultgate.core.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One stored link of the audit chain: the event's canonical JSON text ({@code event}) with the columns
 * the catalog indexes it by ({@code occurredAt}, {@code kind}, {@code tenant}, {@code actor}), its nonce,
 * its tenant tag ({@link TenantTagKey}) and its place in the chain. See {@link ChainHash} for how {@code hash} is computed.
 */
public record AuditRecord(long seq, Instant occurredAt, String kind, Optional<String> tenant, String actor,
                          String nonce, String tag, String event, String prevHash, String hash) {

    public AuditRecord {
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
    }

    /** Links {@code event} after {@code prevHash} at {@code seq}. */
    static AuditRecord link(long seq, String prevHash, String nonce, String tag, AuditEvent event) {
        byte[] canonical = event.canonicalBytes();
        String hash = ChainHash.link(prevHash, seq, tag, ChainHash.digest(nonce, canonical));
        return new AuditRecord(seq, event.at(), event.kind(), event.tenant().map(Object::toString), event.actor(),
                nonce, tag, new String(canonical, java.nio.charset.StandardCharsets.UTF_8), prevHash, hash);
    }

    /** The hiding commitment to the event; what an export shows of a record it omits. */
    public String digest() {
        return ChainHash.digest(nonce, event.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The hash recomputed from the stored content; equal to {@link #hash()} unless the row was changed. */
    public String recomputedHash() {
        return ChainHash.link(prevHash, seq, tag, digest());
    }
}
