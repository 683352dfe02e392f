package io.vaultgate.server.scaleout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real HAProxy ({@code /usr/sbin/haproxy}) in front of gateway nodes, started by the test in the
 * foreground on random loopback ports and stopped by its PID. Its configuration is the shipped example,
 * {@code deploy/haproxy/haproxy.cfg}, with only the addresses rewritten (and faster health checks), so the
 * example is what the scale-out test proves (with a longer check timeout: readiness writes to S3Proxy on a loaded
 * test machine); a stats listener is added to see which servers are up.
 */
final class HaproxyBalancer implements AutoCloseable {

    static final Path EXAMPLE = Path.of("..", "deploy", "haproxy", "haproxy.cfg").toAbsolutePath().normalize();
    static final Path BINARY = Path.of("/usr/sbin/haproxy");

    final int sftpPort;
    final int httpsPort;
    final int statsPort;
    private final Process process;
    private final Path log;

    private HaproxyBalancer(int sftpPort, int httpsPort, int statsPort, Process process, Path log) {
        this.sftpPort = sftpPort;
        this.httpsPort = httpsPort;
        this.statsPort = statsPort;
        this.process = process;
        this.log = log;
    }

    static HaproxyBalancer start(Path dir, List<GatewayProcess> nodes) throws IOException, InterruptedException {
        int sftp = GatewayProcess.freePort();
        int https = GatewayProcess.freePort();
        int stats = GatewayProcess.freePort();
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, configure(Files.readString(EXAMPLE), sftp, https, stats, nodes));
        Path log = GatewayProcess.logFile("haproxy");
        Process check = new ProcessBuilder(BINARY.toString(), "-c", "-f", config.toString()).redirectErrorStream(true)
                .start();
        String checked = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (check.waitFor() != 0) {
            throw new IllegalStateException("haproxy -c refused the generated configuration:\n" + checked);
        }
        Process process = new ProcessBuilder(BINARY.toString(), "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new HaproxyBalancer(sftp, https, stats, process, log);
    }

    /** The example with loopback binds, these nodes as servers, 500 ms checks, and a stats listener. */
    static String configure(String example, int sftp, int https, int stats, List<GatewayProcess> nodes) {
        List<String> out = new ArrayList<>();
        int replaced = 0;
        for (String line : example.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("maxconn ")) {
                out.add("    maxconn 1000"); // within any test machine's file descriptor limit
            } else if (trimmed.equals("bind :22")) {
                out.add("    bind 127.0.0.1:" + sftp);
                replaced++;
            } else if (trimmed.equals("bind :443")) {
                out.add("    bind 127.0.0.1:" + https);
                replaced++;
            } else if (trimmed.startsWith("server node1 ") && trimmed.contains(":2222")) {
                nodes.forEach(n -> out.add("    server " + n.name + " 127.0.0.1:" + n.sftpPort + " check port "
                        + n.opsPort));
                replaced++;
            } else if (trimmed.startsWith("server node1 ") && trimmed.contains(":8443")) {
                nodes.forEach(n -> out.add("    server " + n.name + " 127.0.0.1:" + n.httpsPort + " check port "
                        + n.opsPort));
                replaced++;
            } else if (trimmed.equals("timeout check 2s")) {
                out.add("    timeout check 15s"); // readiness writes to S3Proxy on a shared, loaded test machine
                replaced++;
            } else if (trimmed.startsWith("server node")) {
                continue;
            } else if (trimmed.startsWith("default-server inter 2s")) {
                out.add(line.replace("inter 2s", "inter 500ms"));
                replaced++;
            } else {
                out.add(line);
            }
        }
        if (replaced != 7) {
            throw new IllegalStateException("deploy/haproxy/haproxy.cfg changed shape: " + replaced
                    + " of 7 expected lines found (timeout check 2s, bind :22, bind :443, and per backend a server"
                    + " node1 line and a default-server line)");
        }
        out.add("listen stats");
        out.add("    mode http");
        out.add("    bind 127.0.0.1:" + stats);
        out.add("    stats enable");
        out.add("    stats uri /stats");
        out.add("");
        return String.join("\n", out);
    }

    /** Servers HAProxy currently has UP in the backend ("vaultgate_sftp" or "vaultgate_https"). */
    List<String> upServers(String backend) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + statsPort + "/stats;csv")).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        List<String> up = new ArrayList<>();
        for (String row : response.body().split("\n")) {
            String[] fields = row.split(",", -1);
            if (fields.length > 17 && fields[0].equals(backend) && !fields[1].equals("BACKEND")
                    && !fields[1].equals("FRONTEND") && fields[17].startsWith("UP")) {
                up.add(fields[1]);
            }
        }
        return up;
    }

    /** Waits until every one of {@code names} is UP in both backends. */
    void awaitUp(List<String> names, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("haproxy exited:\n" + Files.readString(log));
            }
            try {
                if (upServers("vaultgate_sftp").containsAll(names) && upServers("vaultgate_https").containsAll(names)) {
                    return;
                }
            } catch (IOException notYet) {
                // stats listener not bound yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("haproxy did not see " + names + " up within " + timeout + ":\n"
                + Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
