package io.vaultgate.core.ingest;

import java.nio.ByteBuffer;

/**
 * One file being uploaded: plaintext goes in, only ciphertext reaches the store. Writes may arrive out
 * of order within a bounded window (SFTP pipelining); the SHA-256 of the plaintext is computed in order
 * as bytes become contiguous.
 *
 * <p>Exactly one of {@link #commit()}, {@link #abort()} or {@link #suspend()} ends it. {@link #close()}
 * without one of them suspends: a dropped connection leaves a resumable partial, never a visible file.
 */
public interface Upload extends AutoCloseable {

    String fileId();

    /** Plaintext bytes already stored when the upload was opened: 0 for a new file. */
    long resumeOffset();

    /**
     * Writes plaintext at {@code offset}. Fails with {@code QUOTA_EXCEEDED} as soon as a tenant quota or the
     * tenant's maximum file size would be exceeded (the upload is then discarded), and with
     * {@code INVALID_REQUEST} for a write outside the reorder window or before
     * the resume offset.
     */
    void write(long offset, ByteBuffer src);

    /** Seals, makes durable, and publishes the file; returns the receipt. */
    default Receipt commit() {
        return commit(CommitChecks.NONE);
    }

    /**
     * Like {@link #commit()}, after the {@code checks}: the plaintext's SHA-256 (the one the receipt carries, so
     * the bytes are hashed once) against the announced digests ({@code INTEGRITY} on a mismatch), and, in the
     * transaction that publishes the file, whether it may replace the file at the path now
     * ({@code PRECONDITION_FAILED} if not). A failed check discards the upload; nothing becomes visible.
     */
    Receipt commit(CommitChecks checks);

    /** Discards everything written; leaves nothing behind. */
    void abort();

    /** Keeps what was written as a resumable partial, seen only by its uploader. */
    void suspend();

    @Override
    void close();
}
