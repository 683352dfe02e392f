package io.vaultgate.bench.e2e;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One running server under test (a baseline or the gateway) started by the benchmark, stopped by its own
 * process handle only.
 *
 * @param name   what the report calls it: {@code openssh}, {@code nginx}, {@code gateway}
 * @param jdk    the JDK the gateway runs on, or {@code -} for a baseline
 * @param gcLog  the gateway's GC log, from which its peak heap is read
 */
record Server(String name, String jdk, Process process, Optional<Endpoints.Sftp> sftp,
        Optional<Endpoints.Https> https, Optional<Path> gcLog) implements AutoCloseable {

    long pid() {
        return process.pid();
    }

    boolean isGateway() {
        return gcLog.isPresent();
    }

    String label() {
        return isGateway() ? name + " (JDK " + jdk + ")" : name;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
