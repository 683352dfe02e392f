package io.vaultgate.sftp.fs;

import io.vaultgate.core.path.VirtualPath;
import java.nio.file.NoSuchFileException;

/**
 * Nothing at a path of the principal's namespace, found without a core exception (a {@code stat} of a new name,
 * which SFTP's {@code put} sends before every upload). Carries the client-safe text the core's not-found says
 * ({@code "<path>: no such file or directory"}), which {@link io.vaultgate.sftp.SftpStatusMapper} answers with, and no
 * stack trace: it is an answer, not a failure, and filling one in cost more than the look-up.
 */
public final class NoSuchEntry extends NoSuchFileException {

    private final String clientMessage;

    /** {@code file}: the path as the file system names it; {@code virtual}: as the core and the client do. */
    public NoSuchEntry(String file, VirtualPath virtual) {
        super(file);
        this.clientMessage = virtual + ": no such file or directory";
    }

    /** A message that is safe to send to the remote client, the core's not-found text. */
    public String clientMessage() {
        return clientMessage;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
