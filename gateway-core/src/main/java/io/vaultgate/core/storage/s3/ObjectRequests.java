package io.vaultgate.core.storage.s3;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/** The single-object requests the store makes, each turning SDK failures into {@link IOException}s. */
final class ObjectRequests {

    static final String CONTENT_TYPE = "application/octet-stream";

    private ObjectRequests() {
    }

    /** The stored object's length; a {@link java.nio.file.NoSuchFileException} if there is none. */
    static long size(S3Target target) throws IOException {
        try {
            return target.client().headObject(r -> r.bucket(target.bucket()).key(target.key())).contentLength();
        } catch (SdkException e) {
            throw S3Failures.of("HEAD", target, e);
        }
    }

    /** Whether an object is stored under the key. */
    static boolean exists(S3Target target) throws IOException {
        try {
            size(target);
            return true;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    /** Stores the buffer as the whole object in one request (objects that fit in their first part). */
    static void put(S3Target target, PartBuffer buffer) throws IOException {
        try {
            target.client().putObject(r -> r.bucket(target.bucket()).key(target.key()).contentType(CONTENT_TYPE),
                    RequestBody.fromContentProvider(buffer::content, buffer.length(), CONTENT_TYPE));
        } catch (SdkException e) {
            throw S3Failures.of("PUT", target, e);
        }
    }

    /** Deletes the object (absent is fine) and aborts every multipart upload still open on its key. */
    static void delete(S3Target target) throws IOException {
        try {
            target.client().deleteObject(r -> r.bucket(target.bucket()).key(target.key()));
        } catch (SdkException e) {
            if (!S3Failures.isNotFound(e)) {
                throw S3Failures.of("DELETE", target, e);
            }
        }
        for (MultipartUpload upload : openUploads(target)) {
            Multipart.abort(target, upload.uploadId());
        }
    }

    /** The multipart uploads started on exactly this key and neither completed nor aborted. */
    static List<MultipartUpload> openUploads(S3Target target) throws IOException {
        List<MultipartUpload> uploads = new ArrayList<>();
        try {
            target.client().listMultipartUploadsPaginator(r -> r.bucket(target.bucket()).prefix(target.key()))
                    .uploads().forEach(u -> {
                        if (u.key().equals(target.key())) {
                            uploads.add(u);
                        }
                    });
        } catch (SdkException e) {
            throw S3Failures.of("list multipart uploads", target, e);
        }
        return uploads;
    }
}
