package io.vaultgate.core.audit;

import io.vaultgate.core.audit.json.CanonicalJson;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One decision that let data in or out, or changed who may do so. Every event has a time (kept to the
 * millisecond, the precision of the catalog), an optional tenant (empty for gateway-wide events), an actor
 * (the principal's name; the attempted username for a failed login; {@code system} for the gateway
 * itself) and kind-specific details.
 *
 * <p>{@link #canonicalBytes()} is what the audit chain hashes: canonical JSON of
 * {@code {"actor", "at" (ISO-8601 UTC), "kind", "tenant" (or null), ...details}}. {@link #kind()} names
 * and detail keys are part of the format: never rename them, add new kinds instead.
 */
public sealed interface AuditEvent {

    Instant at();

    Optional<TenantId> tenant();

    String actor();

    /** The stable name of this kind of event, e.g. {@code upload.committed}. */
    String kind();

    /** The kind-specific fields, as canonical JSON values (strings, longs). */
    Map<String, Object> details();

    /** The event as a canonical JSON object. */
    default Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("kind", kind());
        json.put("at", at().toString());
        json.put("tenant", tenant().map(TenantId::value).orElse(null));
        json.put("actor", actor());
        for (Map.Entry<String, Object> detail : details().entrySet()) {
            if (json.putIfAbsent(detail.getKey(), detail.getValue()) != null) {
                throw new IllegalStateException(kind() + ": detail overrides \"" + detail.getKey() + "\"");
            }
        }
        return json;
    }

    /** The bytes the audit chain hashes. */
    default byte[] canonicalBytes() {
        return CanonicalJson.bytes(toJson());
    }

    /** A client logged in. */
    record AuthSucceeded(Instant at, Optional<TenantId> tenant, String actor, Protocol protocol, String method,
                         String source) implements AuditEvent {
        public AuthSucceeded {
            at = EventChecks.common(at, tenant, actor);
            EventChecks.present(protocol, "protocol", method, "method", source, "source");
        }

        public String kind() {
            return "auth.succeeded";
        }

        public Map<String, Object> details() {
            return Map.of("protocol", protocol.name(), "method", method, "source", source);
        }
    }

    /**
     * A login whose {@link AuthSucceeded} was recorded never became a session: the front-end could not deliver the
     * success (over SFTP, the client sent another message or left before the TOTP step's answer was due). Follows
     * that event; undoes nothing of it (the credentials were proved, a TOTP code stays used).
     */
    record AuthUndelivered(Instant at, Optional<TenantId> tenant, String actor, Protocol protocol, String method,
                           String source) implements AuditEvent {
        public AuthUndelivered {
            at = EventChecks.common(at, tenant, actor);
            EventChecks.present(protocol, "protocol", method, "method", source, "source");
        }

        public String kind() {
            return "auth.undelivered";
        }

        public Map<String, Object> details() {
            return Map.of("protocol", protocol.name(), "method", method, "source", source);
        }
    }

    /** A login was refused; {@code actor} is the username that was tried. */
    record AuthFailed(Instant at, Optional<TenantId> tenant, String actor, Protocol protocol, String source,
                      AuthFailure reason) implements AuditEvent {
        public AuthFailed {
            at = EventChecks.common(at, tenant, actor);
            EventChecks.present(protocol, "protocol", source, "source", reason, "reason");
        }

        public String kind() {
            return "auth.failed";
        }

        public Map<String, Object> details() {
            return Map.of("protocol", protocol.name(), "source", source, "reason", reason.name());
        }
    }

    /**
     * The gateway ended a client account's live session because what admitted it no longer holds: the account's
     * expiry passed, or its tenant no longer allows the session's protocol, source address or (for a session opened
     * with a password) password login ({@code reason}: {@code account expired}, {@code protocol no longer allowed},
     * {@code source address no longer allowed}, {@code password login no longer allowed}).
     * The actor is the account whose session ended; the gateway's session check ended it.
     */
    record SessionEnded(Instant at, Optional<TenantId> tenant, String actor, Protocol protocol, String source,
                        String reason) implements AuditEvent {
        public SessionEnded {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(protocol, "protocol", source, "source", reason, "reason");
        }

        public String kind() {
            return "session.ended";
        }

        public Map<String, Object> details() {
            return Map.of("protocol", protocol.name(), "source", source, "reason", reason);
        }
    }

    /** An upload became a durable, visible file. */
    record UploadCommitted(Instant at, Optional<TenantId> tenant, String actor, String fileId, String path,
                           long size, String sha256) implements AuditEvent {
        public UploadCommitted {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(fileId, "fileId", path, "path", sha256, "sha256");
        }

        public String kind() {
            return "upload.committed";
        }

        public Map<String, Object> details() {
            return Map.of("file", fileId, "path", path, "size", size, "sha256", sha256);
        }
    }

    /** An upload was aborted or refused by a policy (quota, digest, lockdown) and left nothing. */
    record UploadAborted(Instant at, Optional<TenantId> tenant, String actor, String fileId, String path,
                         String reason) implements AuditEvent {
        public UploadAborted {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(fileId, "fileId", path, "path", reason, "reason");
        }

        public String kind() {
            return "upload.aborted";
        }

        public Map<String, Object> details() {
            return Map.of("file", fileId, "path", path, "reason", reason);
        }
    }

    /** An upload was cut off and kept as a resumable partial of {@code size} bytes. */
    record UploadSuspended(Instant at, Optional<TenantId> tenant, String actor, String fileId, String path,
                           long size) implements AuditEvent {
        public UploadSuspended {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(fileId, "fileId", path, "path", "", "");
        }

        public String kind() {
            return "upload.suspended";
        }

        public Map<String, Object> details() {
            return Map.of("file", fileId, "path", path, "size", size);
        }
    }

    /**
     * A file's content is about to leave the gateway, decrypted: appended before the first byte of a read is served
     * (from {@code offset}), so a read cut off by a crash or a killed node is on record too; {@link Downloaded}
     * follows when the reader closes the file.
     */
    record DownloadStarted(Instant at, Optional<TenantId> tenant, String actor, String fileId, String path,
                           long offset) implements AuditEvent {
        public DownloadStarted {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(fileId, "fileId", path, "path", "", "");
        }

        public String kind() {
            return "file.download_started";
        }

        public Map<String, Object> details() {
            return Map.of("file", fileId, "path", path, "offset", offset);
        }
    }

    /** A file's content was read, decrypted; {@code bytes} is how much left the gateway. */
    record Downloaded(Instant at, Optional<TenantId> tenant, String actor, String fileId, String path, long bytes)
            implements AuditEvent {
        public Downloaded {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(fileId, "fileId", path, "path", "", "");
        }

        public String kind() {
            return "file.downloaded";
        }

        public Map<String, Object> details() {
            return Map.of("file", fileId, "path", path, "bytes", bytes);
        }
    }

    /** A file was deleted (by its owner, an operator or retention). */
    record Deleted(Instant at, Optional<TenantId> tenant, String actor, String fileId, String path)
            implements AuditEvent {
        public Deleted {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(fileId, "fileId", path, "path", "", "");
        }

        public String kind() {
            return "file.deleted";
        }

        public Map<String, Object> details() {
            return Map.of("file", fileId, "path", path);
        }
    }

    /** A file was renamed. */
    record Renamed(Instant at, Optional<TenantId> tenant, String actor, String fileId, String from, String to)
            implements AuditEvent {
        public Renamed {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(fileId, "fileId", from, "from", to, "to");
        }

        public String kind() {
            return "file.renamed";
        }

        public Map<String, Object> details() {
            return Map.of("file", fileId, "from", from, "to", to);
        }
    }

    /** A site's operator claimed a batch (a lease). */
    record BatchClaimed(Instant at, Optional<TenantId> tenant, String actor, String batchId, String site)
            implements AuditEvent {
        public BatchClaimed {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(batchId, "batchId", site, "site", "", "");
        }

        public String kind() {
            return "batch.claimed";
        }

        public Map<String, Object> details() {
            return Map.of("batch", batchId, "site", site);
        }
    }

    /** A site completed a batch. */
    record BatchCompleted(Instant at, Optional<TenantId> tenant, String actor, String batchId, String site)
            implements AuditEvent {
        public BatchCompleted {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(batchId, "batchId", site, "site", "", "");
        }

        public String kind() {
            return "batch.completed";
        }

        public Map<String, Object> details() {
            return Map.of("batch", batchId, "site", site);
        }
    }

    /**
     * An open batch was closed and is ready for its site: by the route's idle-close time ({@code actor}
     * {@code system}) or by an administrator; {@code files} is how many it holds.
     */
    record BatchClosed(Instant at, Optional<TenantId> tenant, String actor, String batchId, String site, long files,
                       String reason) implements AuditEvent {
        public BatchClosed {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(batchId, "batchId", site, "site", reason, "reason");
        }

        public String kind() {
            return "batch.closed";
        }

        public Map<String, Object> details() {
            return Map.of("batch", batchId, "site", site, "files", files, "reason", reason);
        }
    }

    /**
     * A claimed batch went back to READY because its holder's lease ran out: the holder (an operator's
     * username) lost it, and any operator of the site may claim it again.
     */
    record BatchReleased(Instant at, Optional<TenantId> tenant, String actor, String batchId, String site,
                         String holder, String reason) implements AuditEvent {
        public BatchReleased {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(batchId, "batchId", site, "site", holder, "holder");
            Objects.requireNonNull(reason, "reason");
        }

        public String kind() {
            return "batch.released";
        }

        public Map<String, Object> details() {
            return Map.of("batch", batchId, "site", site, "holder", holder, "reason", reason);
        }
    }

    /**
     * An operator's read of a batch file was refused because the lease it was opened under ended ({@code reason}:
     * completed, released, ran out, claimed by another operator, tenant locked); recorded once per opened file.
     */
    record BatchAccessEnded(Instant at, Optional<TenantId> tenant, String actor, String batchId, String fileId,
                            String path, String reason) implements AuditEvent {
        public BatchAccessEnded {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(batchId, "batchId", fileId, "fileId", path, "path");
            Objects.requireNonNull(reason, "reason");
        }

        public String kind() {
            return "batch.access_ended";
        }

        public Map<String, Object> details() {
            return Map.of("batch", batchId, "file", fileId, "path", path, "reason", reason);
        }
    }

    /**
     * A batch not completed ({@code state}: OPEN, READY or CLAIMED) was abandoned because its site was removed with
     * its unfinished work abandoned: no operator reads or claims it again; its files stay stored for their tenant.
     * {@code reason} is fixed text ({@code site removed}), as tenants' transparency reports show it; the
     * administrator's own reason stays in the site's removal event.
     */
    record BatchAbandoned(Instant at, Optional<TenantId> tenant, String actor, String batchId, String site,
                          String state, long files, String reason) implements AuditEvent {
        public BatchAbandoned {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(batchId, "batchId", site, "site", state, "state");
            Objects.requireNonNull(reason, "reason");
        }

        public String kind() {
            return "batch.abandoned";
        }

        public Map<String, Object> details() {
            return Map.of("batch", batchId, "site", site, "state", state, "files", files, "reason", reason);
        }
    }

    /**
     * A READY batch was left without files and ended EMPTIED instead of staying offered to its site: its last file
     * left it (deleted, replaced or renamed by its client, expired by retention), or it became READY with none (a
     * claimed batch emptied while held, released when its lease ran out; an empty open batch closed by its route's
     * removal). No operator claims it again. {@code reason} is fixed text ({@code no files left}), as tenants'
     * transparency reports show it; {@code actor} is whose action emptied it ({@code system} for retention and
     * maintenance).
     */
    record BatchEmptied(Instant at, Optional<TenantId> tenant, String actor, String batchId, String site,
                        String reason) implements AuditEvent {
        public BatchEmptied {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(batchId, "batchId", site, "site", reason, "reason");
        }

        public String kind() {
            return "batch.emptied";
        }

        public Map<String, Object> details() {
            return Map.of("batch", batchId, "site", site, "reason", reason);
        }
    }

    /**
     * A forward not delivered ({@code state}: PENDING, IN_FLIGHT or DEAD) was abandoned because its site was removed
     * with its unfinished work abandoned: it is never sent again (one on the wire at that moment may still have
     * reached the site). {@code reason} is fixed text ({@code site removed}), as for {@link BatchAbandoned}.
     */
    record ForwardAbandoned(Instant at, Optional<TenantId> tenant, String actor, String jobId, String fileId,
                            String site, String state, String reason) implements AuditEvent {
        public ForwardAbandoned {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(jobId, "jobId", fileId, "fileId", site, "site");
            EventChecks.present(state, "state", reason, "reason", "", "");
        }

        public String kind() {
            return "forward.abandoned";
        }

        public Map<String, Object> details() {
            return Map.of("job", jobId, "file", fileId, "site", site, "state", state, "reason", reason);
        }
    }

    /**
     * A file was delivered to a site, which answered with the digest it computed; {@code siteCertificateSha256}
     * is the fingerprint of the certificate the site presented for that delivery (empty for records written
     * before it was recorded).
     */
    record Forwarded(Instant at, Optional<TenantId> tenant, String actor, String fileId, String site,
                     String sha256, Optional<String> siteCertificateSha256) implements AuditEvent {
        public Forwarded {
            at = EventChecks.scoped(at, tenant, actor);
            EventChecks.present(fileId, "fileId", site, "site", sha256, "sha256");
            Objects.requireNonNull(siteCertificateSha256, "siteCertificateSha256");
        }

        public String kind() {
            return "file.forwarded";
        }

        public Map<String, Object> details() {
            return siteCertificateSha256.<Map<String, Object>>map(certificate -> Map.of("file", fileId, "site", site,
                    "sha256", sha256, "site_certificate_sha256", certificate))
                    .orElseGet(() -> Map.of("file", fileId, "site", site, "sha256", sha256));
        }
    }

    /** A key was rotated, re-wrapped, disabled or destroyed; {@code subject} names it (KEK or file). */
    record KeyOperation(Instant at, Optional<TenantId> tenant, String actor, KeyAction action, String subject,
                        String detail) implements AuditEvent {
        public KeyOperation {
            at = EventChecks.common(at, tenant, actor);
            EventChecks.present(action, "action", subject, "subject", detail, "detail");
        }

        public String kind() {
            return "key.operation";
        }

        public Map<String, Object> details() {
            return Map.of("action", action.name(), "subject", subject, "detail", detail);
        }
    }

    /** An administrator changed tenants, accounts, credentials, sites, routes or the gateway's own TLS certificate. */
    record AdminChange(Instant at, Optional<TenantId> tenant, String actor, AdminAction action, String subject)
            implements AuditEvent {
        public AdminChange {
            at = EventChecks.common(at, tenant, actor);
            EventChecks.present(action, "action", subject, "subject", "", "");
        }

        public String kind() {
            return "admin.change";
        }

        public Map<String, Object> details() {
            return Map.of("action", action.name(), "subject", subject);
        }
    }

    /** What a {@link KeyOperation} did. */
    enum KeyAction { ROTATE, REWRAP, DISABLE, SHRED }

    /** What an {@link AdminChange} did. */
    enum AdminAction {
        TENANT_CREATED, TENANT_UPDATED, TENANT_LOCKED, TENANT_UNLOCKED,
        ACCOUNT_CREATED, ACCOUNT_UPDATED, ACCOUNT_LOCKED, ACCOUNT_UNLOCKED, ACCOUNT_DELETED,
        CREDENTIAL_ADDED, CREDENTIAL_REVOKED, ADMIN_CREATED, SITE_CREATED, SITE_UPDATED, ROUTE_CHANGED,
        POLICY_PUBLISHED, POLICY_ACKNOWLEDGED, SOURCE_BANNED, SOURCE_UNBANNED, TENANT_SHREDDED, BACKUP_TAKEN,
        STORE_ADOPTED, TLS_CERTIFICATE_CHANGED
    }
}
