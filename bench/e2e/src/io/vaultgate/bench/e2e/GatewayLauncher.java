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
 * Starts the gateway as users do, through the repository's {@code ./vaultgate} launcher: {@code init}, the
 * tenant {@code demo} and site {@code demo-bpo} with a second account {@code bench-2} (so 32 parallel SFTP clients fit the default 16
 * sessions per account), then {@code demo} (the account {@code demo-client}, its SSH key and API token), on
 * loopback with ports picked at start-up, on a given JDK, with a GC log from which the peak heap is read.
 */
final class GatewayLauncher {
    private static final Pattern READY = Pattern.compile("Vaultgate is ready: SFTP (\\d+), HTTPS (\\d+)");

    private GatewayLauncher() {
    }

    static Server start(Path repo, Path work, Jdk jdk, String heap, List<String> settings)
            throws IOException, InterruptedException {
        Path home = work.resolve("gateway-" + jdk.label());
        Files.createDirectories(home);
        Path gcLog = home.resolve("gc.log");
        Map<String, String> env = Map.of("JAVA_HOME", jdk.home().toString());
        Path secondKey = home.resolve("bench-2_ed25519");
        Commands.run(work, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", secondKey.toString()));
        cli(repo, work, env, List.of("init", "--home", home.toString()));
        cli(repo, work, env, List.of("tenant", "add", "demo", "--name", "Demo Client Co.", "--home", home.toString()));
        cli(repo, work, env, List.of("site", "add", "demo-bpo", "--name", "Demo BPO processing site", "--home",
                home.toString()));
        cli(repo, work, env, List.of("account", "add", "bench-2", "--tenant", "demo", "--ssh-key", secondKey + ".pub",
                "--home", home.toString()));
        List<String> command = new ArrayList<>(List.of(repo.resolve("vaultgate").toString(), "demo",
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
        builder.environment().put("VAULTGATE_JAVA_OPTS", "-Xmx" + heap + " -Xlog:gc:file=" + gcLog + ":uptime");
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
        Path demo = home.resolve("demo");
        String token = Files.readString(demo.resolve("api-token")).trim();
        String base = "https://127.0.0.1:" + ports.group(2) + "/v1/files/inbox/";
        return new Server("gateway", jdk.label(), process,
                Optional.of(new Endpoints.Sftp(Integer.parseInt(ports.group(1)),
                        List.of(new Endpoints.Login("demo-client", demo.resolve("id_ed25519")),
                                new Endpoints.Login("bench-2", secondKey)), "/inbox")),
                Optional.of(new Endpoints.Https(base, base, home.resolve("tls").resolve("ca.crt"),
                        List.of("Authorization: Bearer " + token))),
                Optional.of(gcLog));
    }

    private static void cli(Path repo, Path work, Map<String, String> env, List<String> args)
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
