package io.vaultgate.core.ingest;

/** How an upload opens its target. */
public enum UploadMode {
    /** A new file; an existing partial of the same uploader and path is discarded. */
    CREATE,
    /** Continue the uploader's partial at that path from {@link Upload#resumeOffset()}; fails if none. */
    RESUME
}
