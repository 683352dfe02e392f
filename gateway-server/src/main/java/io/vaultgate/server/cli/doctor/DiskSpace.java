package io.vaultgate.server.cli.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.FileStore;
import java.nio.file.Path;

/** Free and total bytes of the file system holding a path. */
@FunctionalInterface
public interface DiskSpace {

    /** The file system's name (to report each once), its usable and its total bytes. */
    record Usage(String fileSystem, long usable, long total) {
    }

    Usage of(Path path) throws IOException;

    /** The real file systems. */
    DiskSpace SYSTEM = path -> {
        Path existing = path.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        FileStore store = Files.getFileStore(existing);
        return new Usage(store.name() + " (" + store + ")", store.getUsableSpace(), store.getTotalSpace());
    };
}
