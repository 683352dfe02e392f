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
        return Content.of(event, nonce).link(seq, prevHash, tag);
    }

    /**
     * What a record holds whatever its place in the chain: the event, its nonce, its canonical text and digest.
     * An appender computes it before it locks the chain's head, under which only the tag and the hash are left.
     */
    record Content(AuditEvent event, String nonce, String text, String digest) {

        static Content of(AuditEvent event, String nonce) {
            byte[] canonical = event.canonicalBytes();
            return new Content(event, nonce, new String(canonical, java.nio.charset.StandardCharsets.UTF_8),
                    ChainHash.digest(nonce, canonical));
        }

        /** The record of this content at {@code seq}, after {@code prevHash}. */
        AuditRecord link(long seq, String prevHash, String tag) {
            return new AuditRecord(seq, event.at(), event.kind(), event.tenant().map(Object::toString),
                    event.actor(), nonce, tag, text, prevHash, ChainHash.link(prevHash, seq, tag, digest));
        }
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
