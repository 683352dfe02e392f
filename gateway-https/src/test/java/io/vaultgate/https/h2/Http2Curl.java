package io.vaultgate.https.h2;

import io.vaultgate.https.testing.Curl;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@link Curl} with HTTP/2 asked for and reports, per transfer, the HTTP version, status and new connections. */
final class Http2Curl {

    /** One transfer as curl's {@code --write-out} saw it: {@code version} is "2" or "1.1". */
    record Transfer(String version, int status, int newConnections) {
    }

    /** What one curl run did: its transfers in the order they finished, its exit code and error output. */
    record Run(List<Transfer> transfers, int exitCode, String stderr, Curl.Result result) {

        int connections() {
            return transfers.stream().mapToInt(Transfer::newConnections).sum();
        }

        List<Integer> statuses() {
            return transfers.stream().map(Transfer::status).toList();
        }

        List<String> versions() {
            return transfers.stream().map(Transfer::version).distinct().toList();
        }
    }

    private static final Pattern LINE = Pattern.compile("(?m)^transfer (\\S+) (\\d{3}) (\\d+)$");

    private final Curl curl;

    Http2Curl(Curl curl) {
        this.curl = curl;
    }

    /** {@code curl --http2 ARGS}, with one {@code --write-out} line per transfer on standard error. */
    Run run(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("--http2", "--no-progress-meter", "--write-out",
                "%{stderr}\\ntransfer %{http_version} %{http_code} %{num_connects}\\n"));
        all.addAll(List.of(args));
        Curl.Result result = curl.run(all.toArray(String[]::new));
        List<Transfer> transfers = new ArrayList<>();
        Matcher line = LINE.matcher(result.stderr());
        while (line.find()) {
            transfers.add(new Transfer(line.group(1), Integer.parseInt(line.group(2)), Integer.parseInt(line.group(3))));
        }
        return new Run(transfers, result.exitCode(), result.stderr(), result);
    }
}
