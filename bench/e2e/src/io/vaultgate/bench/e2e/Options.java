package io.vaultgate.bench.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Command line of {@code bench/run}.
 *
 * @param suites        which of sftp, https, crypto, forwarding to run
 * @param jdks          JDK homes to run the gateway (and JMH) on
 * @param heap          the gateway's maximum heap ({@code -Xmx})
 * @param gatewaySettings extra {@code --set key=value} for the gateway (tuning experiments)
 * @param gatewaySftpOptions extra {@code sftp} options towards the gateway only, e.g. {@code -c CIPHER}
 * @param gatewayJvmOptions extra JVM options for the gateway, e.g. {@code -XX:+UseParallelGC} (tuning experiments)
 * @param rounds        how often each scenario runs against every server, interleaved; the median ratio is reported
 */
record Options(Path repo, Path out, boolean quick, boolean keep, Set<String> suites, List<Path> jdks, String heap,
        List<String> gatewaySettings, List<String> gatewaySftpOptions, List<String> gatewayJvmOptions, int rounds) {

    static final List<String> SUITES = List.of("sftp", "https", "crypto", "forwarding");
    private static final List<Path> DEFAULT_JDKS = List.of(Path.of("/usr/lib/jvm/java-17-openjdk-amd64"),
            Path.of("/usr/lib/jvm/temurin-25-jdk-amd64"));

    static Options parse(String[] args) {
        Path repo = Path.of("").toAbsolutePath();
        Path out = null;
        boolean quick = false;
        boolean keep = false;
        Set<String> suites = new LinkedHashSet<>(SUITES);
        List<Path> jdks = new ArrayList<>();
        String heap = "256m";
        List<String> settings = new ArrayList<>();
        List<String> sftpOptions = new ArrayList<>();
        List<String> jvmOptions = new ArrayList<>();
        int rounds = 1;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> quick = true;
                case "--keep" -> keep = true;
                case "--repo" -> repo = Path.of(value(args, ++i, arg)).toAbsolutePath();
                case "--out" -> out = Path.of(value(args, ++i, arg)).toAbsolutePath();
                case "--only" -> suites = new LinkedHashSet<>(List.of(value(args, ++i, arg).split(",")));
                case "--jdk" -> jdks.add(Path.of(value(args, ++i, arg)));
                case "--heap" -> heap = value(args, ++i, arg);
                case "--gateway-set" -> settings.add(value(args, ++i, arg));
                case "--rounds" -> rounds = rounds(value(args, ++i, arg));
                case "--gateway-jvm-option" -> jvmOptions.add(value(args, ++i, arg));
                case "--gateway-sftp-cipher" -> sftpOptions.addAll(List.of("-c", value(args, ++i, arg)));
                default -> throw new IllegalArgumentException("unknown option " + arg + "; see bench/run --help");
            }
        }
        if (!SUITES.containsAll(suites)) {
            throw new IllegalArgumentException("--only takes a comma-separated subset of " + SUITES);
        }
        if (jdks.isEmpty()) {
            DEFAULT_JDKS.stream().filter(jdk -> Files.isExecutable(jdk.resolve("bin/java"))).forEach(jdks::add);
        }
        if (out == null) {
            out = repo.resolve("bench/results");
        }
        return new Options(repo, out, quick, keep, suites, jdks, heap, settings, sftpOptions, jvmOptions, rounds);
    }

    private static int rounds(String value) {
        try {
            int rounds = Integer.parseInt(value);
            if (rounds >= 1 && rounds <= 9) {
                return rounds;
            }
        } catch (NumberFormatException notANumber) {
            // refused below
        }
        throw new IllegalArgumentException("--rounds takes a whole number from 1 to 9, got " + value);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
