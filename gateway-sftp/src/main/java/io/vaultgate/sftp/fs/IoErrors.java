package io.vaultgate.sftp.fs;

import io.vaultgate.core.GatewayException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Raises core failures as the {@link IOException} kinds that MINA's SFTP code branches on (a missing file is a
 * {@link NoSuchFileException}, so "does it exist?" checks work). The {@link GatewayException} stays the cause;
 * {@link io.vaultgate.sftp.SftpStatusMapper} finds it there and answers the client from it.
 */
final class IoErrors {

    private IoErrors() {
    }

    static <T> T call(Path path, Supplier<T> operation) throws IOException {
        try {
            return operation.get();
        } catch (GatewayException e) {
            throw translate(path, e);
        }
    }

    static void run(Path path, Runnable operation) throws IOException {
        call(path, () -> {
            operation.run();
            return null;
        });
    }

    static IOException translate(Path path, GatewayException e) {
        String file = String.valueOf(path);
        FileSystemException translated = switch (e.reason()) {
            case NOT_FOUND -> new NoSuchFileException(file);
            case ACCESS_DENIED, TENANT_LOCKED -> new AccessDeniedException(file);
            case CONFLICT -> new FileAlreadyExistsException(file);
            default -> new FileSystemException(file, null, e.reason().name());
        };
        translated.initCause(e);
        return translated;
    }
}
