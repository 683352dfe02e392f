package io.vaultgate.bench.e2e;

/**
 * Watches a server's process tree while a scenario runs: CPU seconds used between {@link #start} and
 * {@link #stop} (in all, and by garbage collector threads), and the largest resident set seen, sampled every 100 ms.
 */
final class ResourceSampler implements AutoCloseable {
    private final long pid;
    private final double cpuAtStart;
    private final double gcCpuAtStart;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peakRss;

    private ResourceSampler(long pid) {
        this.pid = pid;
        this.cpuAtStart = ProcessTree.cpuSeconds(pid);
        this.gcCpuAtStart = ProcessTree.gcCpuSeconds(pid);
        this.peakRss = ProcessTree.residentBytes(pid);
        this.thread = new Thread(this::sample, "rss-sampler-" + pid);
        thread.setDaemon(true);
        thread.start();
    }

    static ResourceSampler start(long pid) {
        return new ResourceSampler(pid);
    }

    /** Resources used since start: CPU seconds, of which the garbage collector's, and peak RSS in bytes. */
    record Usage(double cpuSeconds, double gcCpuSeconds, long peakRssBytes) {
    }

    Usage stop() {
        running = false;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        peakRss = Math.max(peakRss, ProcessTree.residentBytes(pid));
        return new Usage(ProcessTree.cpuSeconds(pid) - cpuAtStart, ProcessTree.gcCpuSeconds(pid) - gcCpuAtStart,
                peakRss);
    }

    private void sample() {
        while (running) {
            peakRss = Math.max(peakRss, ProcessTree.residentBytes(pid));
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
    }
}
