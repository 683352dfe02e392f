package io.vaultgate.bench.e2e;

/**
 * One scenario against one server.
 *
 * @param peakHeapMiB  the largest heap occupancy the GC log saw (just before a collection), -1 if unknown
 * @param liveHeapMiB  the largest heap occupancy left after a collection, -1 if unknown
 * @param cpuSecondsPerGiB server CPU time (user + system, all its processes and threads) per GiB moved
 * @param ratio        this server's figure of merit over the baseline's in the same run (1 for the baseline)
 * @param load         the 1-minute load average when the scenario started
 * @param error        why the scenario failed against this server, or null
 */
record Result(Scenario scenario, String server, String jdk, double seconds, double mibPerSecond,
        double filesPerSecond, double p50Millis, double p99Millis, double peakRssMiB, double peakHeapMiB,
        double liveHeapMiB, double cpuSecondsPerGiB, double ratio, double load, String error) {

    static Result failed(Scenario scenario, String server, String jdk, double load, String error) {
        double nan = Double.NaN;
        return new Result(scenario, server, jdk, nan, nan, nan, nan, nan, nan, -1, -1, nan, nan, load, error);
    }

    double merit() {
        return scenario.countsFiles() ? filesPerSecond : mibPerSecond;
    }

    Result withRatio(double value) {
        return new Result(scenario, server, jdk, seconds, mibPerSecond, filesPerSecond, p50Millis, p99Millis,
                peakRssMiB, peakHeapMiB, liveHeapMiB, cpuSecondsPerGiB, value, load, error);
    }
}
