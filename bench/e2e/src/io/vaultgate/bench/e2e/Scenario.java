package io.vaultgate.bench.e2e;

import java.util.List;

/**
 * One measured workload, run against each server in turn.
 *
 * @param id        stable key in the JSON ({@code sftp-upload})
 * @param title     what the table says ({@code SFTP upload 1024 MiB})
 * @param protocol  {@code sftp} or {@code https}: which servers it runs against
 * @param bytes     payload bytes moved
 * @param files     files moved
 */
record Scenario(String id, String title, String protocol, long bytes, int files, Workload workload) {

    /** Runs the workload against one server; returns the per-file (or per-client) times in seconds. */
    @FunctionalInterface
    interface Workload {
        List<Double> run(Server server, String tag) throws Exception;
    }

    /** Files per second is the figure of merit for many small files, MiB/s for the rest. */
    boolean countsFiles() {
        return files > 8 && bytes / files <= 1024 * 1024;
    }
}
