package io.vaultgate.sftp.extensions;

/** Which space question a pending request id asked, so that its reply can be completed or converted. */
enum Asked {
    /** {@code statvfs@openssh.com}, sent on to MINA as {@code space-available}: the reply is converted. */
    STATVFS,
    /** {@code space-available} itself: MINA fills only the device fields, the user fields are completed. */
    SPACE_AVAILABLE
}
