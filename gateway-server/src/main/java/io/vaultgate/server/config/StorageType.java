package io.vaultgate.server.config;

/** Where ciphertext objects are stored. {@code s3} (scale-out) is reserved and rejected until it is implemented. */
public enum StorageType {
    /** Files under a local directory. */
    FILESYSTEM
}
