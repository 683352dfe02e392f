package io.vaultgate.bench.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives the stock OpenSSH {@code sftp} client in batch mode with its default algorithm choice. Each batch
 * command is echoed ({@code sftp> put ...}) as it starts; with stdout line-buffered ({@code stdbuf -oL}) the
 * time between two echoes is the duration of one command, which gives per-file latencies in one session.
 */
final class SftpClient {
    private final Path work;

    SftpClient(Path work) {
        this.work = work;
    }

    /** Runs {@code commands} in one session; returns the duration of each command in seconds. */
    List<Double> batch(Endpoints.Sftp server, List<String> commands) throws IOException, InterruptedException {
        return batch(server, 0, commands);
    }

    /** The same as client number {@code client} of several, which picks the login. */
    List<Double> batch(Endpoints.Sftp server, int client, List<String> commands)
            throws IOException, InterruptedException {
        Endpoints.Login login = server.login(client);
        Path batch = Files.createTempFile(work, "batch", ".txt");
        Files.write(batch, commands);
        List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", "sftp", "-b", batch.toString(),
                "-i", login.key().toString(), "-P", String.valueOf(server.port()),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"));
        command.addAll(server.clientOptions());
        command.add(login.user() + "@127.0.0.1");
        Path errors = Files.createTempFile(work, "sftp", ".err");
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        List<Long> starts = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("sftp> ")) {
                    starts.add(System.nanoTime());
                }
            }
        }
        long end = System.nanoTime();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("sftp to port " + server.port() + " failed: " + Files.readString(errors));
        }
        Files.delete(batch);
        Files.delete(errors);
        if (starts.size() != commands.size()) {
            throw new IOException("sftp ran " + starts.size() + " of " + commands.size() + " commands");
        }
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            long next = i + 1 < starts.size() ? starts.get(i + 1) : end;
            seconds.add((next - starts.get(i)) / 1e9);
        }
        return seconds;
    }
}
