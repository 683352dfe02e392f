package io.vaultgate.core.files;

import io.vaultgate.core.tenant.Quota;

/**
 * The storage quota that a principal's uploads at some path count against, and how much of it is in use, as the
 * ingest's quota check counts it (committed files and resumable partials). Read-only information for front-ends
 * that report free space (SFTP {@code space-available}, {@code statvfs@openssh.com}).
 *
 * @param limitBytes bytes allowed, {@code 0} when there is no byte limit
 * @param usedBytes  plaintext bytes stored
 * @param limitFiles files allowed, {@code 0} when there is no file limit
 * @param usedFiles  files stored
 */
public record StorageSpace(long limitBytes, long usedBytes, long limitFiles, long usedFiles) {

    /** Where nothing counts against a quota: no limits, nothing used. */
    public static final StorageSpace NONE = new StorageSpace(0, 0, 0, 0);

    public StorageSpace {
        if (limitBytes < 0 || usedBytes < 0 || limitFiles < 0 || usedFiles < 0) {
            throw new IllegalArgumentException("storage space figures must be >= 0");
        }
    }

    static StorageSpace of(Quota quota, long usedBytes, long usedFiles) {
        return new StorageSpace(quota.maxBytes(), usedBytes, quota.maxFiles(), usedFiles);
    }

    public boolean limitsBytes() {
        return limitBytes > 0;
    }

    /** Bytes that may still be uploaded: the limit less what is used (never below 0); unbounded without a limit. */
    public long freeBytes() {
        return limitsBytes() ? Math.max(0, limitBytes - usedBytes) : Long.MAX_VALUE - usedBytes;
    }
}
