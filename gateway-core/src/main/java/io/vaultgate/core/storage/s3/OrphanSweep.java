package io.vaultgate.core.storage.s3;

import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ReferencedObjects;
import io.vaultgate.core.storage.SweepBatch;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
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
 *
 * <p>Only keys directly under the prefix that spell an object id are judged: the bucket may be shared
 * ({@code storage.s3.key-prefix}), and a deeper key such as {@code prod/acme/<id>} under tenant {@code prod}'s
 * prefix is another gateway's object (one with key prefix {@code prod/}), as is any name this store never
 * writes. Nothing else is listed as an object or deleted; its upload is never aborted.
 *
 * <p>Ages are judged on the earlier of the core's time and this store's clock (the host's): a node whose clock ran
 * ahead by more than the grace took every unrecorded object for an orphan, another node's upload between its store
 * and its catalog commit included.
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

    /**
     * Sweeps keys under {@code prefix} (ending with '/'); {@code referenced} says which of a batch of object
     * ids the catalog still refers to. Returns how many objects and uploads were removed.
     *
     * @param coreTime the core's time ({@link io.vaultgate.core.storage.ReferencedObjects#now()}), if the caller has
     *                 one: the grace is then judged on the earlier of it and this store's clock, as the deletion cannot
     *                 be undone and either clock may run ahead (S3 stamps objects with a third one, its own)
     */
    int sweep(String prefix, Function<List<ObjectId>, Set<ObjectId>> referenced, Optional<Instant> coreTime)
            throws IOException {
        Instant now = clock.instant();
        if (coreTime.isPresent() && coreTime.get().isBefore(now)) {
            now = coreTime.get();
        }
        Instant cutoff = now.minus(grace);
        return sweepObjects(prefix, referenced, cutoff) + sweepUploads(prefix, referenced, cutoff);
    }

    private int sweepObjects(String prefix, Function<List<ObjectId>, Set<ObjectId>> referenced, Instant cutoff)
            throws IOException {
        SweepBatch<String> batch = new SweepBatch<>(referenced,
                key -> ObjectRequests.delete(new S3Target(client, bucket, key)));
        try {
            // the delimiter keeps deeper keys out of the listing: they are rolled up into common prefixes, unread
            for (S3Object object : client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix).delimiter("/"))
                    .contents()) {
                if (!object.lastModified().isBefore(cutoff)) {
                    continue; // within the grace
                }
                Optional<ObjectId> id = id(prefix, object.key());
                if (id.isPresent()) {
                    batch.add(id.get(), object.key());
                } // else not a name this store writes (a directory marker, another tool's object): not ours to judge
            }
        } catch (SdkException e) {
            throw S3Failures.of("listing", new S3Target(client, bucket, prefix), e);
        }
        return batch.finish();
    }

    /** Multipart uploads are few (one per upload in flight or left by a crash): they are judged in one batch. */
    private int sweepUploads(String prefix, Function<List<ObjectId>, Set<ObjectId>> referenced, Instant cutoff)
            throws IOException {
        int removed = 0;
        List<MultipartUpload> uploads;
        try {
            uploads = client.listMultipartUploadsPaginator(r -> r.bucket(bucket).prefix(prefix)).uploads().stream()
                    .filter(upload -> id(prefix, upload.key()).isPresent()) // another gateway's or tool's: left alone
                    .toList();
        } catch (SdkException e) {
            throw S3Failures.of("list multipart uploads", new S3Target(client, bucket, prefix), e);
        }
        for (int from = 0; from < uploads.size(); from += ReferencedObjects.BATCH) {
            List<MultipartUpload> batch = uploads.subList(from, Math.min(uploads.size(), from + ReferencedObjects.BATCH));
            Set<ObjectId> kept = referenced.apply(batch.stream().flatMap(u -> id(prefix, u.key()).stream()).toList());
            for (MultipartUpload upload : batch) {
                boolean isKept = kept.contains(id(prefix, upload.key()).orElseThrow());
                S3Target target = new S3Target(client, bucket, upload.key());
                if (!isKept && lastActivity(target, upload).isBefore(cutoff)) {
                    Multipart.abort(target, upload.uploadId());
                    removed++;
                }
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

    /** The object id a key under {@code prefix} names, if it names one (a deeper key never does). */
    private static Optional<ObjectId> id(String prefix, String key) {
        return ObjectId.parse(key.substring(prefix.length()));
    }
}
