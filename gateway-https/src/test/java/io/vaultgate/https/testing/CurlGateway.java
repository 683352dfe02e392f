package io.vaultgate.https.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.https.HttpsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh {@link TestGateway} for each test, with the real {@code curl} pointed at it (the test is skipped where
 * curl is missing) and the tenant account's bearer header; stopped and deleted after the test. Register it with
 * {@code @RegisterExtension final CurlGateway gateway = new CurlGateway();}. Its start runs before the class's own
 * {@code @BeforeEach} methods, which may configure the core further.
 */
public final class CurlGateway implements BeforeEachCallback, AfterEachCallback {

    private final UnaryOperator<HttpsSettings> tweak;
    private Path directory;
    private TestGateway gateway;
    private Curl curl;

    /** The default listener settings. */
    public CurlGateway() {
        this(UnaryOperator.identity());
    }

    /** Listener settings derived from the defaults by {@code tweak} (e.g. HTTP/2 on). */
    public CurlGateway(UnaryOperator<HttpsSettings> tweak) {
        this.tweak = tweak;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        assumeTrue(Curl.available(), "curl is not installed");
        directory = Files.createTempDirectory("curl-gateway");
        gateway = TestGateway.start(directory.resolve("gateway"), tweak);
        curl = new Curl(gateway.tls().caPem(), Files.createDirectories(directory.resolve("curl")));
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
        if (directory != null) {
            try (Stream<Path> all = Files.walk(directory)) {
                for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
            directory = null;
        }
    }

    public TestGateway gateway() {
        return gateway;
    }

    public Curl curl() {
        return curl;
    }

    /** {@code Authorization: Bearer <the tenant account's token>}, for curl's {@code -H}. */
    public String bearer() {
        return "Authorization: Bearer " + gateway.token();
    }

    /** The gateway's URL for {@code path}. */
    public String url(String path) {
        return gateway.url(path);
    }
}
