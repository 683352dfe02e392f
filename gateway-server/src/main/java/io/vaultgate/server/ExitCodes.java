package io.vaultgate.server;

/** The process exit codes of the {@code vaultgate} command, documented in its help and in the README. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** The command ran and failed (e.g. a tenant that already exists, an I/O error). */
    public static final int FAILURE = 1;
    /** Bad usage or configuration, or a resource start-up needs is unusable (port in use, unwritable home). */
    public static final int CONFIG = 2;

    private ExitCodes() {
    }
}
