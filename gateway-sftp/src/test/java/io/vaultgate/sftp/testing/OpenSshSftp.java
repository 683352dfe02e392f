package io.vaultgate.sftp.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** Runs the stock OpenSSH {@code sftp} client in batch mode against the test server. */
public final class OpenSshSftp {

    public record Result(int exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    private final Path directory;
    private final int port;
    private final String user;
    private final Path key;
    private final UnaryOperator<Process> started;

    /** @param started told of every process {@link #start} leaves running, so the test's cleanup can kill it */
    OpenSshSftp(Path directory, int port, String user, Path key, UnaryOperator<Process> started) {
        this.directory = directory;
        this.port = port;
        this.user = user;
        this.key = key;
        this.started = started;
    }

    public OpenSshSftp withKey(Path otherKey) {
        return new OpenSshSftp(directory, port, user, otherKey, started);
    }

    /** The same client against another server (the OpenSSH baseline of a benchmark). */
    public OpenSshSftp against(int otherPort, String otherUser) {
        return new OpenSshSftp(directory, otherPort, otherUser, key, started);
    }

    /** Runs the commands; a command prefixed with {@code -} may fail without ending the batch. */
    public Result batch(String... commands) throws Exception {
        return run(List.of(), commands);
    }

    /** Starts the commands without waiting, so a test can kill the client mid-transfer. */
    public Process start(List<String> options, String... commands) throws Exception {
        Path batch = Files.createTempFile(directory, "batch", ".txt");
        Files.writeString(batch, String.join("\n", commands) + "\n");
        List<String> command = command(batch, options);
        return started.apply(new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }

    /** Same as {@link #batch}, with extra {@code sftp} options before the destination (e.g. {@code -vvv}). */
    public Result run(List<String> options, String... commands) throws Exception {
        Path batch = Files.createTempFile(directory, "batch", ".txt");
        Files.writeString(batch, String.join("\n", commands) + "\n");
        List<String> command = command(batch, options);
        Process process = started.apply(new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).start());
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            TestResources.kill(process);
            throw new IllegalStateException("sftp did not finish");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private List<String> command(Path batch, List<String> options) {
        List<String> command = new ArrayList<>(List.of("sftp", "-b", batch.toString(), "-i", key.toString(),
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-P", Integer.toString(port)));
        command.addAll(options);
        command.add(user + "@127.0.0.1");
        return command;
    }
}
