package io.vaultgate.core.files;

/** The life of an uploaded file in the catalog. */
public enum FileState {
    /** Being written by a live connection; seen by nobody. */
    UPLOADING,
    /** Interrupted before the client closed it; resumable, seen only by its uploader. */
    PARTIAL,
    /** Durable and visible to everyone allowed to see it. */
    COMMITTED
}
