package io.vaultgate.https.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code curl} binary against a test server and captures what it printed. */
public final class Curl {

    /** What one curl run produced. {@code status} is the last HTTP status curl saw (0 if none). */
    public record Result(int exitCode, int status, Path bodyFile, String stderr) {

        public String body() throws IOException {
            return Files.readString(bodyFile, StandardCharsets.UTF_8);
        }

        public byte[] bytes() throws IOException {
            return Files.readAllBytes(bodyFile);
        }
    }

    private final Path caPem;
    private final Path scratch;

    public Curl(Path caPem, Path scratch) {
        this.caPem = caPem;
        this.scratch = scratch;
    }

    public static boolean available() {
        try {
            return new ProcessBuilder("curl", "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    public Result run(String... args) throws IOException, InterruptedException {
        Path body = Files.createTempFile(scratch, "curl-body", ".out");
        Path err = Files.createTempFile(scratch, "curl-err", ".txt");
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--cacert",
                caPem.toString(), "--output", body.toString(), "--write-out", "%{http_code}", "--max-time", "120"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(150, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("curl did not finish");
        }
        int status = out.isEmpty() ? 0 : Integer.parseInt(out.substring(Math.max(0, out.length() - 3)));
        return new Result(process.exitValue(), status, body, Files.readString(err));
    }
}
