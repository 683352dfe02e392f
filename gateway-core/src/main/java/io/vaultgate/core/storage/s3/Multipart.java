package io.vaultgate.core.storage.s3;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One S3 multipart upload onto a key, with the parts sent so far, in order: part {@code i} (0-based) is S3
 * part number {@code i + 1}. Parts are either sent from a {@link PartBuffer} or copied server-side from a
 * byte range of the object already stored under the same key (what a resumed upload keeps). The object
 * appears, replacing any previous one, only when {@link #complete()} succeeds; {@link #abort()} discards
 * every part.
 */
final class Multipart {

    private final S3Target target;
    private final String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();

    private Multipart(S3Target target, String uploadId) {
        this.target = target;
        this.uploadId = uploadId;
    }

    static Multipart start(S3Target target) throws IOException {
        try {
            String id = target.client().createMultipartUpload(r -> r.bucket(target.bucket()).key(target.key())
                    .contentType(ObjectRequests.CONTENT_TYPE)).uploadId();
            return new Multipart(target, id);
        } catch (SdkException e) {
            throw S3Failures.of("start multipart upload", target, e);
        }
    }

    /** An upload found open on the key, with the parts to keep of it (already on the server). */
    static Multipart adopt(S3Target target, String uploadId, List<CompletedPart> kept) {
        Multipart upload = new Multipart(target, uploadId);
        upload.parts.addAll(kept);
        return upload;
    }

    /** How many parts have been sent: the index of the next one. */
    int count() {
        return parts.size();
    }

    void send(PartBuffer buffer) throws IOException {
        int number = parts.size() + 1;
        try {
            String etag = target.client().uploadPart(r -> r.bucket(target.bucket()).key(target.key())
                            .uploadId(uploadId).partNumber(number).contentLength((long) buffer.length()),
                    RequestBody.fromContentProvider(buffer::content, buffer.length(), ObjectRequests.CONTENT_TYPE))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        } catch (SdkException e) {
            throw S3Failures.of("upload of part " + number, target, e);
        }
    }

    /** Copies bytes {@code [from, to)} of the object stored under the key as the next part. */
    void copy(long from, long to) throws IOException {
        int number = parts.size() + 1;
        try {
            String etag = target.client().uploadPartCopy(r -> r.sourceBucket(target.bucket())
                    .sourceKey(target.key()).destinationBucket(target.bucket()).destinationKey(target.key())
                    .uploadId(uploadId).partNumber(number).copySourceRange("bytes=" + from + "-" + (to - 1)))
                    .copyPartResult().eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        } catch (SdkException e) {
            throw S3Failures.of("copy of part " + number, target, e);
        }
    }

    void complete() throws IOException {
        try {
            target.client().completeMultipartUpload(r -> r.bucket(target.bucket()).key(target.key())
                    .uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
        } catch (SdkException e) {
            throw S3Failures.of("completion of a multipart upload", target, e);
        }
    }

    void abort() throws IOException {
        abort(target, uploadId);
    }

    static void abort(S3Target target, String uploadId) throws IOException {
        try {
            target.client().abortMultipartUpload(r -> r.bucket(target.bucket()).key(target.key()).uploadId(uploadId));
        } catch (SdkException e) {
            if (!S3Failures.isNotFound(e)) {
                throw S3Failures.of("abort of a multipart upload", target, e);
            }
        }
    }
}
