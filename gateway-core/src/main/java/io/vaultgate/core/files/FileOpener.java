package io.vaultgate.core.files;

/** Opens a committed file's ciphertext for decrypting reads. */
@FunctionalInterface
public interface FileOpener {
    FileContent open(FileRecord file);
}
