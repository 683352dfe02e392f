package io.vaultgate.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.server.StartupException;
import io.vaultgate.server.TestKeystore;
import io.vaultgate.server.Vaultgate;
import io.vaultgate.server.VaultgateApplication;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS certificate as the gateway finds it at start. An expired one is served (doctor and the expiry metric
 * report it too), with a WARN line naming the expiry date and the commands that replace it. A key of another
 * certificate, or no certificate at all, stops start-up, naming the files and the fix: a gateway initialized before
 * never issues itself a new identity unrecorded.
 */
class ServerCertificateAtStartTest {

    @TempDir
    Path home;
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(VaultgateApplication.class);
    private VaultgateConfig config;
    private VaultgateApplication app;

    @BeforeEach
    void init() {
        config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString(), "sftp.enabled",
                "false", "https.bind", "127.0.0.1", "https.port", "0", "ops.port", "0"));
        TestKeystore.seed(config);
        cli("init");
        captured.start();
        log.addAppender(captured);
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        log.detachAppender(captured);
    }

    @Test
    void anExpiredCertificate_isServed_withAWarningNamingItsExpiryAndTheFix() throws Exception {
        IssuedCertificate expired = issued(Duration.ofDays(400), Duration.ofDays(30));
        expired.write(home.resolve("tls/server.key"), home.resolve("tls/server.crt"));

        app = VaultgateApplication.start(config, Map.of());

        assertThat(app.httpsPort()).as("it starts and serves").isPresent();
        assertThat(captured.list).filteredOn(event -> event.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).contains(home.resolve("tls/server.crt").toString(),
                        "expired on " + expired.certificate().getNotAfter().toInstant(), "vaultgate tls issue",
                        "vaultgate tls import"));
    }

    @Test
    void aCurrentCertificate_hasNoWarning_untilItExpires() throws Exception {
        ServedCertificate current = ServedCertificate.read(home.resolve("tls/server.key"),
                home.resolve("tls/server.crt"));
        Instant notAfter = current.material().chain().get(0).getNotAfter().toInstant();

        assertThat(current.expiredWarning(Instant.now())).isEmpty();
        assertThat(current.expiredWarning(notAfter)).isEmpty();
        assertThat(current.expiredWarning(notAfter.plusSeconds(1))).hasValueSatisfying(warning ->
                assertThat(warning).contains("expired on " + notAfter));
    }

    @Test
    void aKeyOfAnotherCertificate_stopsStartUp_namingTheFilesAndTheFix() throws Exception {
        Pem.writeCertificates(home.resolve("tls/server.crt"), List.of(issued(Duration.ZERO, Duration.ofDays(30))
                .certificate()));

        assertThatThrownBy(() -> app = VaultgateApplication.start(config, Map.of()))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining(home.resolve("tls/server.crt") + " (key " + home.resolve("tls/server.key") + ")")
                .hasMessageContaining("the private key does not belong to the certificate")
                .hasMessageContaining("vaultgate tls issue");
    }

    /**
     * review32 L3: a start issued a new certificate where server.crt was missing, a new identity with no audit record.
     * In a gateway initialized before, the start refuses instead, naming the file and the commands that fix it.
     */
    @Test
    void aMissingCertificate_stopsStartUp_namingTheFileAndTheFix_andNoneIsIssued() throws Exception {
        Path certificate = home.resolve("tls/server.crt");
        Files.delete(certificate);

        assertThatThrownBy(() -> app = VaultgateApplication.start(config, Map.of()))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining(certificate + ": the HTTPS server certificate is missing")
                .hasMessageContaining("without an audit record")
                .hasMessageContaining("vaultgate tls issue");
        assertThat(certificate).doesNotExist();
    }

    /** init, run again, leaves it missing too, with a note; `tls issue` (audited) then gives the gateway one. */
    @Test
    void init_leavesAMissingCertificateMissing_withANote_andTlsIssueMakesTheStartWork() throws Exception {
        Path certificate = home.resolve("tls/server.crt");
        Files.delete(certificate);

        String out = cli("init");

        assertThat(out).contains("Note: " + certificate + ": the HTTPS server certificate is missing",
                "vaultgate tls issue");
        assertThat(certificate).doesNotExist();
        assertThat(cli("tls", "issue")).contains("Recorded in the audit log");
        app = VaultgateApplication.start(config, Map.of());
        assertThat(app.httpsPort()).isPresent();
    }

    /**
     * A first replacement (no server.crt before it) cut between its renames leaves the new key and server.crt.new;
     * the start puts that audited certificate in place. The old start issued a new pair over the key first.
     */
    @Test
    void aFirstReplacementCutBetweenItsRenames_isFinishedAtStart() throws Exception {
        IssuedCertificate replacement = issued(Duration.ZERO, Duration.ofDays(30));
        Files.delete(home.resolve("tls/server.crt"));
        replacement.write(home.resolve("tls/server.key"), home.resolve("tls/server.crt.new"));

        app = VaultgateApplication.start(config, Map.of());

        assertThat(Pem.readCertificates(home.resolve("tls/server.crt"))).containsExactlyElementsOf(replacement.chain());
    }

    /** A certificate of the home's private CA, issued {@code ago} for {@code validity}. */
    private IssuedCertificate issued(Duration ago, Duration validity) throws Exception {
        ServerCertificateFiles files = new ServerCertificateFiles(home.resolve("tls"), new SecureRandom(),
                Clock.fixed(Instant.now().minus(ago), ZoneOffset.UTC));
        return files.issue(files.ca().orElseThrow(), TlsNames.defaults(), validity);
    }

    /** Runs the command line in-process; asserts it succeeded and returns what it printed. */
    private String cli(String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--home", home.toString())).toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Vaultgate.execute(all, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(out + "" + err).isZero();
        return out.toString();
    }
}
