package io.vaultgate.core.storage.s3;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns the SDK's unchecked failures into the {@link IOException}s the store's callers handle: a missing
 * object is a {@link NoSuchFileException}, anything else names the operation and the key. Messages carry
 * the service's error text, never credentials or object contents.
 */
final class S3Failures {

    private S3Failures() {
    }

    static IOException of(String operation, S3Target target, SdkException e) {
        if (isNotFound(e)) {
            NoSuchFileException missing = new NoSuchFileException("s3://" + target.bucket() + "/" + target.key());
            missing.initCause(e);
            return missing;
        }
        return new IOException("S3 " + operation + " of s3://" + target.bucket() + "/" + target.key() + " failed: "
                + e.getMessage(), e);
    }

    /** The service's own words for a failure: its error message, else the SDK's message. */
    static String serviceMessage(S3Exception e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
                ? e.awsErrorDetails().errorMessage() : e.getMessage();
    }

    static boolean isNotFound(SdkException e) {
        return e instanceof S3Exception s3 && s3.statusCode() == 404;
    }
}
