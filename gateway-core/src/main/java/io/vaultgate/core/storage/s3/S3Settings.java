package io.vaultgate.core.storage.s3;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Where and how the S3 store keeps objects.
 *
 * @param bucket      the bucket (3–63 characters: lower-case letters, digits, dots and dashes)
 * @param keyPrefix   prepended to every key, so several gateways or other data can share a bucket: empty, or
 *                    ending with {@code /}
 * @param partBytes   the multipart part size asked for, 5 MiB to 512 MiB: parts are the whole 64 KiB envelope
 *                    segments that fit in it (at 5 MiB, the fewest that reach the S3 minimum), and it bounds the
 *                    memory each upload in flight holds. Objects are limited to 10,000 parts (78 GiB at 8 MiB)
 * @param readAhead   how far a sequential read streams ahead in one ranged GET
 * @param orphanGrace how old an object without a catalog row, or an unfinished multipart upload, must be
 *                    before a sweep removes it: long enough that another node's upload in progress, or an
 *                    object committed a moment before its catalog row, is never taken for an orphan
 */
public record S3Settings(String bucket, String keyPrefix, long partBytes, long readAhead, Duration orphanGrace) {

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9._-]+/)*");

    /** 8 MiB parts, 8 MiB read-ahead, 24 h orphan grace, no key prefix. */
    public static S3Settings defaults(String bucket) {
        return new S3Settings(bucket, "", 8L * 1024 * 1024, 8L * 1024 * 1024, Duration.ofHours(24));
    }

    public S3Settings {
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("not an S3 bucket name: \"" + bucket + "\" (3-63 characters of a-z,"
                    + " 0-9, '.' and '-', starting and ending with a letter or digit)");
        }
        if (keyPrefix == null || !PREFIX.matcher(keyPrefix).matches()) {
            throw new IllegalArgumentException("the key prefix must be empty or path segments of A-Z, a-z, 0-9,"
                    + " '.', '_', '-', each ending with '/'; got \"" + keyPrefix + "\"");
        }
        PartLayout.forEnvelopes(partBytes); // validates the range
        if (readAhead < 64 * 1024 || readAhead > PartLayout.MAX_PART_BYTES) {
            throw new IllegalArgumentException("read-ahead must be between 64 KiB and 512 MiB, was " + readAhead);
        }
        if (orphanGrace == null || orphanGrace.isNegative()) {
            throw new IllegalArgumentException("the orphan grace period must be zero or positive");
        }
    }

    public S3Settings withOrphanGrace(Duration grace) {
        return new S3Settings(bucket, keyPrefix, partBytes, readAhead, grace);
    }

    public S3Settings withPartBytes(long bytes) {
        return new S3Settings(bucket, keyPrefix, bytes, readAhead, orphanGrace);
    }
}
