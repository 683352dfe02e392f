package io.vaultgate.bench.e2e;

import java.util.List;

/**
 * One scenario against one server.
 *
 * @param peakHeapMiB  the largest heap occupancy the GC log saw (just before a collection), -1 if unknown
 * @param liveHeapMiB  the largest heap occupancy left after a collection, -1 if unknown
 * @param cpuSecondsPerGiB server CPU time (user + system, all its processes and threads) per GiB moved
 * @param gcCpuSecondsPerGiB the part of it spent in the JVM's garbage collector threads (0 for the baselines)
 * @param ratio        this server's figure of merit over the baseline's in the same run (1 for the baseline); with
 *                     several rounds, the median of the rounds' ratios, and the other figures are from that round
 * @param roundRatios  the ratio of each round, in order (one element for a single round)
 * @param load         the 1-minute load average when the scenario started
 * @param error        why the scenario failed against this server, or null
 */
record Result(Scenario scenario, String server, String jdk, double seconds, double mibPerSecond,
        double filesPerSecond, double p50Millis, double p99Millis, double peakRssMiB, double peakHeapMiB,
        double liveHeapMiB, double cpuSecondsPerGiB, double gcCpuSecondsPerGiB, double ratio, List<Double> roundRatios, double load,
        String error) {

    static Result failed(Scenario scenario, String server, String jdk, double load, String error) {
        double nan = Double.NaN;
        return new Result(scenario, server, jdk, nan, nan, nan, nan, nan, nan, -1, -1, nan, nan, nan, List.of(), load,
                error);
    }

    double merit() {
        return scenario.countsFiles() ? filesPerSecond : mibPerSecond;
    }

    Result withRatio(double value) {
        return new Result(scenario, server, jdk, seconds, mibPerSecond, filesPerSecond, p50Millis, p99Millis,
                peakRssMiB, peakHeapMiB, liveHeapMiB, cpuSecondsPerGiB, gcCpuSecondsPerGiB, value, List.of(value), load, error);
    }

    /** This round's figures, with the median ratio over all rounds and every round's ratio. */
    Result withRounds(double median, List<Double> ratios) {
        return new Result(scenario, server, jdk, seconds, mibPerSecond, filesPerSecond, p50Millis, p99Millis,
                peakRssMiB, peakHeapMiB, liveHeapMiB, cpuSecondsPerGiB, gcCpuSecondsPerGiB, median, List.copyOf(ratios), load, error);
    }
}
