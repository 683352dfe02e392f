package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.https.testing.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code sslscan} against the listener: no protocol below TLS 1.2 and no suite without AEAD.
 * Skipped where sslscan is not installed ({@code apt-get install sslscan}).
 */
class TlsScanIT {

    private static final Pattern ACCEPTED = Pattern.compile("^(Preferred|Accepted)\\s+(TLSv1\\.[0-3]|SSLv[23])\\s+\\d+ bits\\s+(\\S+)",
            Pattern.MULTILINE);

    @TempDir
    Path dir;

    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(installed(), "sslscan is not installed");
        gateway = TestGateway.start(dir);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void scanner_findsOnlyTls12And13_withAeadSuites() throws Exception {
        String report = run("sslscan", "--no-colour", "127.0.0.1:" + gateway.port());

        assertThat(report).containsPattern("TLSv1\\.3\\s+enabled").containsPattern("TLSv1\\.2\\s+enabled")
                .containsPattern("TLSv1\\.1\\s+disabled").containsPattern("TLSv1\\.0\\s+disabled")
                .containsPattern("SSLv3\\s+disabled");
        Matcher suites = ACCEPTED.matcher(report);
        int accepted = 0;
        while (suites.find()) {
            accepted++;
            assertThat(suites.group(2)).as(suites.group()).isIn("TLSv1.2", "TLSv1.3");
            assertThat(suites.group(3)).as(suites.group()).containsAnyOf("GCM", "CHACHA20");
        }
        assertThat(accepted).as(report).isPositive();
    }

    private static boolean installed() {
        try {
            return new ProcessBuilder("sslscan", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return output;
    }
}
