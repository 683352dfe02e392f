package io.vaultgate.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Writes the results as a Markdown table and as JSON, and prints the table. */
final class Report {
    private final String heading;
    private final List<String> machine;
    private final List<Result> results = new ArrayList<>();
    private final List<String> sections = new ArrayList<>();
    private final List<String> jsonSections = new ArrayList<>();

    Report(String heading, List<String> machine) {
        this.heading = heading;
        this.machine = machine;
    }

    void add(Result result) {
        results.add(result);
    }

    /** An extra section (crypto, forwarding) as Markdown, and the same content for the JSON under {@code key}. */
    void section(String key, String markdown, String json) {
        sections.add(markdown);
        jsonSections.add("\"" + key + "\": " + json);
    }

    String table() {
        StringBuilder md = new StringBuilder();
        md.append("| scenario | server | MiB/s | files/s | p50 ms | p99 ms | peak RSS MiB | heap peak/live MiB "
                + "| CPU s/GiB (GC) | ratio | load |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            if (r.error() != null) {
                md.append("| ").append(r.scenario().title()).append(" | ").append(r.server())
                        .append(" | failed: ").append(r.error().replace('|', '/')).append(" | | | | | | | | |\n");
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.0f | %s | %s | %s | %.1f |%n",
                    r.scenario().title(), r.server(), r.mibPerSecond(), r.filesPerSecond(), r.p50Millis(),
                    r.p99Millis(), r.peakRssMiB(), heap(r), cpu(r),
                    r.jdk().equals("-") ? "1.00 (baseline)" : ratio(r),
                    r.load()));
        }
        return md.toString();
    }

    void write(Path markdown, Path json) throws IOException {
        StringBuilder md = new StringBuilder("# " + heading + "\n\n");
        for (String line : machine) {
            md.append("- ").append(line).append('\n');
        }
        md.append('\n').append(table()).append('\n');
        md.append("Ratio: the gateway's MiB/s (files/s for small files) over the baseline's in the same run. "
                + "CPU s/GiB: the server's own CPU time (all processes and threads) per GiB moved, in brackets the "
                + "part of the gateway's garbage collector threads. Peak RSS: the "
                + "server's process tree, sampled every 100 ms. Heap: largest occupancy before / after a "
                + "collection in the GC log. Latency: per file (one session) or per client (parallel).\n");
        for (String section : sections) {
            md.append('\n').append(section).append('\n');
        }
        Files.writeString(markdown, md.toString());
        Files.writeString(json, json());
    }

    private String json() {
        StringBuilder out = new StringBuilder("{\n  \"title\": " + quote(heading) + ",\n  \"machine\": [");
        for (int i = 0; i < machine.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(quote(machine.get(i)));
        }
        out.append("],\n  \"results\": [\n");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            out.append(String.format(Locale.ROOT, "    {\"scenario\": %s, \"title\": %s, \"server\": %s, \"jdk\": %s, "
                            + "\"bytes\": %d, \"files\": %d, \"seconds\": %.3f, \"mibPerSecond\": %.2f, "
                            + "\"filesPerSecond\": %.2f, \"p50Millis\": %.2f, \"p99Millis\": %.2f, \"peakRssMiB\": %.1f, "
                            + "\"peakHeapMiB\": %.0f, \"liveHeapMiB\": %.0f, \"cpuSecondsPerGiB\": %.3f, \"gcCpuSecondsPerGiB\": %.3f, "
                            + "\"ratio\": %.3f, "
                            + "\"roundRatios\": %s, "
                            + "\"load\": %.2f, \"error\": %s}%s%n", quote(r.scenario().id()), quote(r.scenario().title()),
                    quote(r.server()), quote(r.jdk()), r.scenario().bytes(), r.scenario().files(), r.seconds(),
                    r.mibPerSecond(), r.filesPerSecond(), r.p50Millis(), r.p99Millis(), r.peakRssMiB(),
                    r.peakHeapMiB(), r.liveHeapMiB(), r.cpuSecondsPerGiB(), r.gcCpuSecondsPerGiB(), r.ratio(), roundsJson(r), r.load(),
                    r.error() == null ? "null" : quote(r.error()),
                    i + 1 < results.size() ? "," : "").replace("NaN", "null"));
        }
        out.append("  ]");
        for (String section : jsonSections) {
            out.append(",\n  ").append(section);
        }
        return out.append("\n}\n").toString();
    }

    /** The ratio in bold; with several rounds, followed by every round's ratio. */
    private static String ratio(Result r) {
        String median = String.format(Locale.ROOT, "**%.2f**", r.ratio());
        if (r.roundRatios().size() < 2) {
            return median;
        }
        return median + " (" + String.join(", ", r.roundRatios().stream()
                .map(x -> String.format(Locale.ROOT, "%.2f", x)).toList()) + ")";
    }

    private static String cpu(Result r) {
        String total = String.format(Locale.ROOT, "%.2f", r.cpuSecondsPerGiB());
        return r.jdk().equals("-") ? total : total + String.format(Locale.ROOT, " (%.2f)", r.gcCpuSecondsPerGiB());
    }

    private static String heap(Result r) {
        if (r.peakHeapMiB() < 0) {
            return r.jdk().equals("-") ? "-" : "no GC";
        }
        return String.format(Locale.ROOT, "%.0f / %.0f", r.peakHeapMiB(), r.liveHeapMiB());
    }

    private static String roundsJson(Result r) {
        return r.roundRatios().stream().map(x -> String.format(Locale.ROOT, "%.3f", x))
                .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
