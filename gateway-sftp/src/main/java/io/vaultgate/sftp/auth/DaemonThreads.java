package io.vaultgate.sftp.auth;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The daemon threads of the MFA steps' pools: {@code PREFIX1}, {@code PREFIX2}, ... */
final class DaemonThreads {

    private DaemonThreads() {
    }

    /** Daemon threads named {@code prefix} and their number, from 1. */
    static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
