package io.vaultgate.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JMH suite of gateway-crypto ({@code bench/jmh}, built by {@code bench/run}) on each JDK: envelope
 * encrypt / decrypt against raw JCE AES-256-GCM over the same segments, in one run.
 */
final class CryptoSuite {
    private static final String BENCHMARKS = "CryptoThroughput\\.(rawJceGcmEncrypt|rawJceGcmEncryptWithSha256"
            + "|rawJceGcmDecrypt|envelopeEncrypt|envelopeEncryptWithSha256|envelopeDecrypt|outOfOrderWriterToNull)$";
    private static final Pattern ROW = Pattern.compile("\"benchmark\"\\s*:\\s*\"[\\w.]*\\.(\\w+)\".*?"
            + "\"sizeMiB\"\\s*:\\s*\"(\\d+)\".*?\"score\"\\s*:\\s*([\\d.E-]+).*?\"scoreError\"\\s*:\\s*\"?([\\d.E-]+|NaN)",
            Pattern.DOTALL);

    private CryptoSuite() {
    }

    record Row(String jdk, String benchmark, int sizeMiB, double msPerOp, double error) {
        double mbPerSecond() {
            return sizeMiB * 1.048576 / (msPerOp / 1000.0);
        }
    }

    static List<Row> run(Path jar, List<Jdk> jdks, boolean quick, Path work) throws IOException, InterruptedException {
        List<Row> rows = new ArrayList<>();
        for (Jdk jdk : jdks) {
            Path json = work.resolve("jmh-" + jdk.label() + ".json");
            List<String> command = new ArrayList<>(List.of(jdk.home().resolve("bin/java").toString(), "-jar",
                    jar.toString(), BENCHMARKS, "-f", "1", "-rf", "json", "-rff", json.toString()));
            command.addAll(quick ? List.of("-p", "sizeMiB=64", "-wi", "1", "-w", "1", "-i", "3", "-r", "1")
                    : List.of("-p", "sizeMiB=256", "-wi", "2", "-w", "2", "-i", "5", "-r", "2"));
            System.out.println("crypto: JMH on JDK " + jdk.label());
            Commands.run(work, command);
            Matcher m = ROW.matcher(Files.readString(json));
            while (m.find()) {
                double error = "NaN".equals(m.group(4)) ? Double.NaN : Double.parseDouble(m.group(4));
                rows.add(new Row(jdk.label(), m.group(1), Integer.parseInt(m.group(2)), Double.parseDouble(m.group(3)),
                        error));
            }
        }
        return rows;
    }

    static String markdown(List<Row> rows) {
        StringBuilder md = new StringBuilder("## Crypto (JMH, bench/jmh)\n\n| benchmark | JDK | MiB per op | ms/op | "
                + "± 99.9 % | MB/s |\n|---|---|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.0f |%n", r.benchmark(), r.jdk(),
                    r.sizeMiB(), r.msPerOp(), r.error(), r.mbPerSecond()));
        }
        return md.toString();
    }

    static String json(List<Row> rows) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            out.append(i == 0 ? "\n    " : ",\n    ").append(String.format(Locale.ROOT,
                    "{\"benchmark\": %s, \"jdk\": %s, \"sizeMiB\": %d, \"msPerOp\": %.2f, \"error\": %s, \"mbPerSecond\": %.1f}",
                    Report.quote(r.benchmark()), Report.quote(r.jdk()), r.sizeMiB(), r.msPerOp(),
                    Double.isNaN(r.error()) ? "null" : String.format(Locale.ROOT, "%.2f", r.error()), r.mbPerSecond()));
        }
        return out.append("\n  ]").toString();
    }
}
