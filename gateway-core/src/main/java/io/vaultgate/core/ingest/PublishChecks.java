package io.vaultgate.core.ingest;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.PathClashes;
import io.vaultgate.core.policy.PolicyGate;
import io.vaultgate.core.tenant.Quota;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides, inside the transaction that would publish an upload and after the tenant's name lock, whether it
 * may be published now: the {@link PublishRules} it carries, and no file or directory in the way of its name; for an
 * operator's result, its batch still held and the tenant's current data-handling policy acknowledged.
 */
final class PublishChecks {

    /** Why an upload may not be published: the client's error, and the reason its discard is audited with. */
    record Refusal(GatewayException failure, String reason) {
    }

    /**
     * The refusal of an upload to a tenant that is not active (locked down or shredded), when it opens and when it
     * would be published: the same a client gets for a locked tenant everywhere.
     */
    static GatewayException tenantNotActive() {
        return new GatewayException(Reason.TENANT_LOCKED, "the tenant is locked; uploads are refused");
    }

    private final FileRepository files;
    private final BatchRepository batches = new BatchRepository();
    private final PolicyGate policyGate = new PolicyGate();
    private final PathClashes clashes;

    PublishChecks(FileRepository files) {
        this.files = files;
        this.clashes = new PathClashes(files);
    }

    /**
     * @param previous the file committed at the path now, which the upload would replace
     * @return why {@code file}, of {@code size} bytes, may not be published now; empty if it may
     */
    Optional<Refusal> refusal(Jdbc jdbc, FileRecord file, long size, Optional<FileRecord> previous,
                              PublishRules rules, Instant now) throws SQLException {
        Quota quota = rules.quota();
        // the tenant's bytes with this file's row at its final size (the row holds what it had when opened)
        if (quota.maxBytes() != 0 && !quota.allowsBytes(files.usage(jdbc, file.tenant())[0] - file.size() + size)) {
            return refuse(Reason.QUOTA_EXCEEDED, QuotaRefusals.bytes(file.path(), quota, rules.resultOf().isPresent(),
                    " by this file together with those stored meanwhile"), "quota exceeded");
        }
        if (!rules.mayReplace().test(previous.flatMap(FileRecord::sha256))) {
            return refuse(Reason.PRECONDITION_FAILED, file.path() + ": the file at this path is not the one the "
                    + "upload was allowed to replace; nothing was changed", "precondition failed");
        }
        // share-locked: a completion or release of the batch on another node waits for this commit, or this for it
        Optional<String> batch = rules.resultOf();
        if (batch.isPresent() && batches.lockShared(jdbc, batch.get())
                .filter(held -> held.isHeldBy(file.accountId(), now)).isEmpty()) {
            return refuse(Reason.ACCESS_DENIED, file.path() + ": batch " + batch.get() + " is no longer held "
                    + "(completed, or its lease ran out); the result was discarded", "batch no longer held");
        }
        if (batch.isPresent()) { // checked when the upload opened; again here, against a version published since
            try {
                policyGate.requireAcknowledged(jdbc, file.accountId(), file.tenant());
            } catch (GatewayException unacknowledged) {
                return Optional.of(new Refusal(unacknowledged, "data-handling policy not acknowledged"));
            }
        }
        try { // checked when the upload opened; again here, against an upload that committed since
            clashes.check(jdbc, file.tenant(), file.accountId(), file.path());
        } catch (GatewayException clash) {
            return Optional.of(new Refusal(clash, "a file or directory of that name appeared"));
        }
        return Optional.empty();
    }

    private static Optional<Refusal> refuse(Reason reason, String message, String audited) {
        return Optional.of(new Refusal(new GatewayException(reason, message), audited));
    }
}
