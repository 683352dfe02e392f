package io.vaultgate.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives {@code curl}: every transfer of one call goes over one kept-alive TLS connection, and curl reports
 * each one's status and total time ({@code --write-out}).
 */
final class CurlClient {
    private final Path work;

    CurlClient(Path work) {
        this.work = work;
    }

    /** One transfer: an upload of {@code file} to {@code url}, or (file null) a download from it. */
    record Transfer(String url, Path file) {
        static Transfer put(String url, Path file) {
            return new Transfer(url, file);
        }

        static Transfer get(String url) {
            return new Transfer(url, null);
        }
    }

    /**
     * Runs the transfers in order in one curl process; returns each one's total time in seconds. They must be
     * all uploads or all downloads: curl pairs each upload file with the next URL in order.
     */
    List<Double> run(Endpoints.Https server, List<Transfer> transfers) throws IOException, InterruptedException {
        if (transfers.stream().map(t -> t.file() == null).distinct().count() > 1) {
            throw new IllegalArgumentException("one curl call either uploads or downloads");
        }
        List<String> config = new ArrayList<>();
        for (Transfer t : transfers) {
            config.add("url = \"" + t.url() + "\"");
            config.add(t.file() == null ? "output = \"/dev/null\"" : "upload-file = \"" + t.file() + "\"");
            if (t.file() != null) {
                config.add("output = \"/dev/null\"");
            }
        }
        Path configFile = Files.createTempFile(work, "curl", ".cfg");
        Files.write(configFile, config);
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert", server.caCert().toString(),
                "--write-out", "%{http_code} %{time_total}\\n", "-K", configFile.toString()));
        for (String header : server.headers()) {
            command.add("-H");
            command.add(header);
        }
        Path errors = Files.createTempFile(work, "curl", ".err");
        Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException("curl failed: " + Files.readString(errors) + out);
        }
        Files.delete(configFile);
        Files.delete(errors);
        List<Double> seconds = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            String[] fields = line.trim().split(" ");
            int status = Integer.parseInt(fields[0]);
            if (status < 200 || status > 299) {
                throw new IOException("curl got HTTP " + status + " from " + transfers.get(seconds.size()).url());
            }
            seconds.add(Double.parseDouble(fields[1]));
        }
        if (seconds.size() != transfers.size()) {
            throw new IOException("curl made " + seconds.size() + " of " + transfers.size() + " transfers");
        }
        return seconds;
    }
}
