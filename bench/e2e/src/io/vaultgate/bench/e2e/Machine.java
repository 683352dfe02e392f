package io.vaultgate.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** What the report says about the machine and the run's conditions. */
final class Machine {
    private Machine() {
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static List<String> describe(List<Jdk> jdks, Options options) {
        List<String> lines = new ArrayList<>();
        lines.add("CPU: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores; memory "
                + memTotal());
        lines.add("load average at start: " + loadAverage() + " (other sessions may be building on this machine)");
        lines.add("gateway JDKs: " + jdks.stream().map(Jdk::label).collect(Collectors.joining(", "))
                + "; gateway heap -Xmx" + options.heap()
                + (options.gatewaySettings().isEmpty() ? "" : "; settings " + options.gatewaySettings())
                + (options.gatewaySftpOptions().isEmpty() ? "" : "; sftp client options towards the gateway "
                        + options.gatewaySftpOptions()));
        lines.add("clients: " + firstLine("ssh", "-V") + "; " + firstLine("curl", "--version"));
        lines.add("baselines: " + firstLine("/usr/sbin/nginx", "-v") + "; OpenSSH sshd + sftp-server");
        return lines;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String memTotal() {
        try {
            String line = Files.readAllLines(Path.of("/proc/meminfo")).get(0);
            return Long.parseLong(line.replaceAll("\\D", "")) / (1024 * 1024) + " GiB";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String firstLine(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return out.lines().findFirst().orElse("?");
        } catch (IOException | InterruptedException e) {
            return command[0] + " missing";
        }
    }
}
