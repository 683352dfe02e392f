package io.vaultgate.core.storage.s3;

import io.vaultgate.core.storage.ObjectId;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Removes, under one tenant's key prefix, what no catalog row refers to: stored objects, and multipart
 * uploads left open by a crash or a failed abort (their parts are billed storage even though no object
 * shows them). Only what is older than the grace period goes: an object is judged by when it was stored,
 * an upload by its most recent part, so an object another node committed a moment before writing its
 * catalog row, or an upload still streaming on another node, is never taken for an orphan.
 */
final class OrphanSweep {

    private final S3Client client;
    private final String bucket;
    private final Duration grace;
    private final Clock clock;

    OrphanSweep(S3Client client, String bucket, Duration grace, Clock clock) {
        this.client = client;
        this.bucket = bucket;
        this.grace = grace;
        this.clock = clock;
    }

    /** Sweeps keys under {@code prefix} (ending with '/'); returns how many objects and uploads were removed. */
    int sweep(String prefix, Set<ObjectId> keep) throws IOException {
        Instant cutoff = clock.instant().minus(grace);
        return sweepObjects(prefix, keep, cutoff) + sweepUploads(prefix, keep, cutoff);
    }

    private int sweepObjects(String prefix, Set<ObjectId> keep, Instant cutoff) throws IOException {
        int removed = 0;
        try {
            for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
                if (object.key().endsWith("/")) {
                    continue; // a directory marker (some S3-compatible backends list them), never an object of ours
                }
                boolean kept = id(prefix, object.key()).map(keep::contains).orElse(false);
                if (!kept && object.lastModified().isBefore(cutoff)) {
                    ObjectRequests.delete(new S3Target(client, bucket, object.key()));
                    removed++;
                }
            }
        } catch (SdkException e) {
            throw S3Failures.of("listing", new S3Target(client, bucket, prefix), e);
        }
        return removed;
    }

    private int sweepUploads(String prefix, Set<ObjectId> keep, Instant cutoff) throws IOException {
        int removed = 0;
        List<MultipartUpload> uploads;
        try {
            uploads = client.listMultipartUploadsPaginator(r -> r.bucket(bucket).prefix(prefix)).uploads().stream()
                    .toList();
        } catch (SdkException e) {
            throw S3Failures.of("list multipart uploads", new S3Target(client, bucket, prefix), e);
        }
        for (MultipartUpload upload : uploads) {
            boolean kept = id(prefix, upload.key()).map(keep::contains).orElse(false);
            S3Target target = new S3Target(client, bucket, upload.key());
            if (!kept && lastActivity(target, upload).isBefore(cutoff)) {
                Multipart.abort(target, upload.uploadId());
                removed++;
            }
        }
        return removed;
    }

    private static Instant lastActivity(S3Target target, MultipartUpload upload) throws IOException {
        Instant last = upload.initiated() == null ? Instant.EPOCH : upload.initiated();
        for (Part part : LeftoverUploads.listParts(target, upload.uploadId())) {
            if (part.lastModified() != null && part.lastModified().isAfter(last)) {
                last = part.lastModified();
            }
        }
        return last;
    }

    /** The object id a key under {@code prefix} names, if it names one. */
    private static Optional<ObjectId> id(String prefix, String key) {
        try {
            return Optional.of(new ObjectId(key.substring(prefix.length())));
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }
}
