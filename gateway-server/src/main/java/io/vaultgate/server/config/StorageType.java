package io.vaultgate.server.config;

/** Where ciphertext objects are stored. */
public enum StorageType {
    /** Files under a local directory: one machine. */
    FILESYSTEM,
    /** An S3-compatible bucket shared by every node of a scale-out deployment (docs/scale-out.md). */
    S3
}
