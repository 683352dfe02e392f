package io.vaultgate.sftp.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a test started and must not leave behind: clients, child processes (killed by their own handles, with
 * their children: {@code sftp} runs {@code ssh}), temporary directories. Closed in reverse order of
 * registration; every item is closed even when one fails, and the first failure is rethrown with the others
 * suppressed. Thread-safe, since tests open clients from several threads.
 */
final class TestResources implements AutoCloseable {

    private final Deque<AutoCloseable> items = new ArrayDeque<>();

    synchronized <T extends AutoCloseable> T add(T item) {
        items.push(item);
        return item;
    }

    Process add(Process process) {
        add(() -> kill(process));
        return process;
    }

    /** Deletes {@code directory} and everything in it when closed. */
    Path addDirectory(Path directory) {
        add(() -> delete(directory));
        return directory;
    }

    @Override
    public void close() throws Exception {
        Exception failure = null;
        for (AutoCloseable item = poll(); item != null; item = poll()) {
            try {
                item.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private synchronized AutoCloseable poll() {
        return items.poll();
    }

    static void kill(Process process) throws InterruptedException {
        ProcessHandle handle = process.toHandle();
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("process " + handle.pid() + " did not end after SIGKILL");
        }
    }

    static void delete(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> all = Files.walk(directory)) {
            all.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
