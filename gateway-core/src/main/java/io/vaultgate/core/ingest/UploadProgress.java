package io.vaultgate.core.ingest;

import java.util.Objects;

/**
 * How far one upload, known by its file id, has come: stored as an interrupted partial of {@code size}
 * bytes, or committed ({@code size} is then the file's). What a resuming client asks before it sends more.
 */
public record UploadProgress(String fileId, boolean committed, long size) {

    public UploadProgress {
        Objects.requireNonNull(fileId, "fileId");
        if (size < 0) {
            throw new IllegalArgumentException("negative size");
        }
    }
}
