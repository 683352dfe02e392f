package io.vaultgate.core.tenant;

/** Storage limits of one tenant; {@code 0} means unlimited. */
public record Quota(long maxBytes, long maxFiles) {
    public static final Quota UNLIMITED = new Quota(0, 0);

    public Quota {
        if (maxBytes < 0 || maxFiles < 0) {
            throw new IllegalArgumentException("quota limits must be >= 0 (0 = unlimited)");
        }
    }

    public boolean allowsBytes(long bytes) {
        return maxBytes == 0 || bytes <= maxBytes;
    }

    public boolean allowsFiles(long files) {
        return maxFiles == 0 || files <= maxFiles;
    }
}
