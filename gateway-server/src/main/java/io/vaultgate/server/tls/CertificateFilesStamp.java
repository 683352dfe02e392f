package io.vaultgate.server.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * What identifies a version of the server certificate and key files without reading them: each file's modification
 * time, size and inode ({@code fileKey}), or that it is missing. A file renamed into place has a new inode, so a
 * replacement changes the stamp even within the file system's time resolution.
 */
public record CertificateFilesStamp(List<Object> parts) {

    public CertificateFilesStamp {
        parts = List.copyOf(parts);
    }

    /** The two files as they are now. */
    public static CertificateFilesStamp of(Path key, Path certificate) {
        return new CertificateFilesStamp(List.of(attributes(certificate), attributes(key)));
    }

    private static Object attributes(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(attributes.lastModifiedTime(), attributes.size(),
                    Objects.requireNonNullElse(attributes.fileKey(), "no file key"));
        } catch (IOException missing) {
            return "missing";
        }
    }
}
