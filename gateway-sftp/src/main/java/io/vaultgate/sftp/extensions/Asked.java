package io.vaultgate.sftp.extensions;

/**
 * What a pending request id asked, so that its reply can be completed, converted or replaced: a space question,
 * or an extension {@link StatVfsRequests} refused, whose request MINA answers "unsupported" and whose reply
 * {@link StatVfsReplies} replaces by an {@code SSH_FX_OP_UNSUPPORTED} status with {@link #refusal()}.
 */
enum Asked {
    /** {@code statvfs@openssh.com}, sent on to MINA as {@code space-available}: the reply is converted. */
    STATVFS(null),
    /** {@code space-available} itself: MINA fills only the device fields, the user fields are completed. */
    SPACE_AVAILABLE(null),
    /**
     * {@code copy-data}, which MINA answers itself (unannounced) by reading one handle into another: its writes
     * would bypass the upload handle's checks ({@code fs.AppendOffsets}) and the transfer counts.
     */
    COPY_DATA("copy-data is not supported: server-side copies are refused; download and upload instead"),
    /** {@code md5-hash} and {@code md5-hash-handle}, which MINA answers itself (unannounced). */
    MD5_HASH("md5-hash is not supported: use check-file-handle or check-file-name (e.g. sha256)"),
    /**
     * A {@code check-file} request for more block hashes than {@link StatVfsRequests#MAX_CHECK_FILE_BLOCKS}, or
     * with a block size MINA hashes wrongly.
     */
    CHECK_FILE_BLOCKS("check-file: block hashes need a block size that is a multiple of "
            + StatVfsRequests.CHECK_FILE_BLOCK_UNIT + " and a length of at most "
            + StatVfsRequests.MAX_CHECK_FILE_BLOCKS + " blocks; block size 0 asks for one hash of the range"),
    /** A {@code check-file} request for a range longer than {@link CheckFileBounds#requestBytes}. */
    CHECK_FILE_RANGE(null) {
        @Override
        boolean refused() {
            return true;
        }

        @Override
        String refusal(CheckFileBounds bounds) {
            return bounds.rangeRefusal();
        }
    };

    private final String refusal;

    Asked(String refusal) {
        this.refusal = refusal;
    }

    /** Whether the request was refused (its reply replaced by a status), rather than answered by MINA. */
    boolean refused() {
        return refusal != null;
    }

    /** The message of the status that answers a refused request, under the connection's check-file bounds. */
    String refusal(CheckFileBounds bounds) {
        return refusal;
    }
}
