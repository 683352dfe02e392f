package io.vaultgate.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts the gateway as an operator would, through the repository's {@code ./vaultgate} launcher: {@code init},
 * a tenant {@code bench} with two client accounts (32 parallel SFTP clients exceed the default 16 sessions per
 * account), then {@code run} on loopback with ports picked at start-up, on a given JDK, with a GC log from which
 * the peak heap is read. No site or route: uploads are ingested and stored, not forwarded (forwarding has
 * its own benchmark), so {@code vaultgate demo}, which forwards to a local demo site, is not used.
 */
final class GatewayLauncher {
    private static final Pattern READY = Pattern.compile("Vaultgate is ready: SFTP (\\d+), HTTPS (\\d+)");
    private static final Pattern TOKEN = Pattern.compile("API token \\(shown once\\): (\\S+)");

    private GatewayLauncher() {
    }

    static Server start(Path repo, Path work, Jdk jdk, String heap, List<String> settings, List<String> sftpOptions,
            List<String> jvmOptions)
            throws IOException, InterruptedException {
        Path home = work.resolve("gateway-" + jdk.label());
        Files.createDirectories(home);
        Path gcLog = home.resolve("gc.log");
        Map<String, String> env = Map.of("JAVA_HOME", jdk.home().toString());
        Path firstKey = home.resolve("bench-1_ed25519");
        Path secondKey = home.resolve("bench-2_ed25519");
        for (Path key : List.of(firstKey, secondKey)) {
            Commands.run(work, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        }
        cli(repo, work, env, List.of("init", "--home", home.toString()));
        cli(repo, work, env, List.of("tenant", "add", "bench", "--name", "Benchmark Co.", "--home", home.toString()));
        String created = cli(repo, work, env, List.of("account", "add", "bench-1", "--tenant", "bench", "--ssh-key",
                firstKey + ".pub", "--token", "--home", home.toString()));
        cli(repo, work, env, List.of("account", "add", "bench-2", "--tenant", "bench", "--ssh-key", secondKey + ".pub",
                "--home", home.toString()));
        Matcher issued = TOKEN.matcher(created);
        if (!issued.find()) {
            throw new IOException("vaultgate account add --token printed no token: " + created);
        }
        String token = issued.group(1);
        List<String> command = new ArrayList<>(List.of(repo.resolve("vaultgate").toString(), "run",
                "--home", home.toString(),
                "--set", "sftp.bind=127.0.0.1", "--set", "sftp.port=0",
                "--set", "https.bind=127.0.0.1", "--set", "https.port=0",
                "--set", "ops.bind=127.0.0.1", "--set", "ops.port=0"));
        for (String setting : settings) {
            command.add("--set");
            command.add(setting);
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        List<String> javaOptions = new ArrayList<>(List.of("-Xmx" + heap, "-Xlog:gc:file=" + gcLog + ":uptime"));
        javaOptions.addAll(jvmOptions);
        builder.environment().put("VAULTGATE_JAVA_OPTS", String.join(" ", javaOptions));
        Process process = builder.start();
        Path log = home.resolve("gateway.log");
        CompletableFuture<Matcher> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(process, log, ready), "gateway-log-" + jdk.label());
        pump.setDaemon(true);
        pump.start();
        Matcher ports;
        try {
            ports = ready.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IOException("the gateway on JDK " + jdk.label() + " did not start: " + Files.readString(log), e);
        }
        String base = "https://127.0.0.1:" + ports.group(2) + "/v1/files/inbox/";
        return new Server("gateway", jdk.label(), process,
                Optional.of(new Endpoints.Sftp(Integer.parseInt(ports.group(1)),
                        List.of(new Endpoints.Login("bench-1", firstKey),
                                new Endpoints.Login("bench-2", secondKey)), "/inbox", sftpOptions)),
                Optional.of(new Endpoints.Https(base, base, home.resolve("tls").resolve("ca.crt"),
                        List.of("Authorization: Bearer " + token))),
                Optional.of(gcLog));
    }

    private static String cli(Path repo, Path work, Map<String, String> env, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(repo.resolve("vaultgate").toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("vaultgate " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    private static void pump(Process process, Path log, CompletableFuture<Matcher> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); Writer out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    ready.complete(m);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.completeExceptionally(new IOException("the gateway exited"));
    }
}
