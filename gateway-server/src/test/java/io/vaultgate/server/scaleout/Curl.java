package io.vaultgate.server.scaleout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real {@code curl}, over HTTPS, trusting the gateway's private CA and sending an API token. */
final class Curl {

    /** What one curl run printed and how it ended. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private final Path caCertificate;

    Curl(Path caCertificate) {
        this.caCertificate = caCertificate;
    }

    /** {@code PUT} of a local file; the output is the HTTP status code. */
    Result upload(String token, Path file, String url, int timeoutSeconds) throws IOException, InterruptedException {
        return run(timeoutSeconds, "-sS", "--cacert", caCertificate.toString(), "-H", "Authorization: Bearer " + token,
                "-T", file.toString(), "-o", "/dev/null", "-w", "%{http_code}", url);
    }

    /** {@code PUT} of a local file; the output is the response body, then the HTTP status code on a line of its own. */
    Result uploadShowingBody(String token, Path file, String url, int timeoutSeconds)
            throws IOException, InterruptedException {
        return run(timeoutSeconds, "-sS", "--cacert", caCertificate.toString(), "-H", "Authorization: Bearer " + token,
                "-T", file.toString(), "-w", "\\n%{http_code}", url);
    }

    /** {@code GET} into a local file; the output is the HTTP status code. */
    Result download(String token, String url, Path into, int timeoutSeconds) throws IOException, InterruptedException {
        return run(timeoutSeconds, "-sS", "--cacert", caCertificate.toString(), "-H", "Authorization: Bearer " + token,
                "-o", into.toString(), "-w", "%{http_code}", url);
    }

    /** {@code POST} of a JSON body; the output is the HTTP status code. */
    Result postJson(String token, String url, String json, int timeoutSeconds)
            throws IOException, InterruptedException {
        return run(timeoutSeconds, "-sS", "--cacert", caCertificate.toString(), "-H", "Authorization: Bearer " + token,
                "-H", "Content-Type: application/json", "--data", json, "-o", "/dev/null", "-w", "%{http_code}", url);
    }

    private static Result run(int timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "--max-time", String.valueOf(timeoutSeconds)));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutSeconds + 10L, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "curl did not end");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8).strip());
    }
}
