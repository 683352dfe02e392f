package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.server.ExitCodes;
import io.vaultgate.server.Vaultgate;
import io.vaultgate.server.cli.CliHarness.Result;
import io.vaultgate.server.tls.ForeignCa;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate and key files given on the command line in DER (binary, as Windows and Java tools often export them)
 * instead of PEM (review32 L9): every command that reads one refuses it naming the option, the file, "PEM expected"
 * and the {@code openssl} command that converts it, and changes nothing; none fails with a charset error. The DER
 * files are the encodings of real certificates and keys made with Bouncy Castle. A DER {@code server.crt} in use
 * does not stop {@code tls import} from replacing it: its bytes are kept aside as they are. One data directory for
 * the class: each refusal changes nothing, and the one replacement checks only what it did.
 */
class PemInputCommandsTest {

    @TempDir
    static Path home;
    @TempDir
    static Path files;
    private static CliHarness cli;
    private static IssuedCertificate bought;
    private static Path pemCertificate;
    private static Path pemKey;
    private static Path derCertificate;
    private static Path derKey;

    @BeforeAll
    static void initAndWriteTheFiles() throws Exception {
        cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("site", "add", "manila").exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();
        assertThat(cli.run("account", "add", "acme-api", "--tenant", "acme").exitCode()).isZero();
        bought = new ForeignCa().server("gw.example.com");
        pemCertificate = files.resolve("gw.crt");
        Pem.writeCertificates(pemCertificate, List.of(bought.certificate()));
        pemKey = files.resolve("gw.key");
        Pem.writePrivateKey(pemKey, bought.privateKey());
        derCertificate = Files.write(files.resolve("gw.der"), bought.certificate().getEncoded());
        derKey = Files.write(files.resolve("gw-key.der"), bought.privateKey().getEncoded()); // PKCS#8 DER
    }

    @Test
    void tlsImport_aDerCertificate_isRefused_namingTheFileAndTheConversion() throws Exception {
        refusedUnchanged(ExitCodes.FAILURE, derCertificate, "--cert", "openssl x509 -inform der",
                "tls", "import", "--cert", derCertificate.toString(), "--key", pemKey.toString());
    }

    @Test
    void tlsImport_aDerKey_isRefused_namingTheFileAndTheConversion() throws Exception {
        refusedUnchanged(ExitCodes.FAILURE, derKey, "--key", "openssl pkey -inform der",
                "tls", "import", "--cert", pemCertificate.toString(), "--key", derKey.toString());
    }

    @Test
    void tlsImport_aDerChain_isRefused() throws Exception {
        refusedUnchanged(ExitCodes.FAILURE, derCertificate, "--chain", "openssl x509 -inform der",
                "tls", "import", "--cert", pemCertificate.toString(), "--key", pemKey.toString(), "--chain",
                derCertificate.toString());
    }

    @Test
    void tlsImport_aBinaryFileThatIsNotDer_isRefused_asNotPemText() throws Exception {
        Path binary = Files.write(files.resolve("photo.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0});
        refusedUnchanged(ExitCodes.FAILURE, binary, "--cert", "-----BEGIN CERTIFICATE-----",
                "tls", "import", "--cert", binary.toString(), "--key", pemKey.toString());
    }

    @Test
    void forwardConfigure_aDerTrustAnchorOrClientCertificateOrKey_isRefused() throws Exception {
        String trust = home.resolve("tls/ca.crt").toString();
        refusedUnchanged(ExitCodes.FAILURE, derCertificate, "--trust", "openssl x509 -inform der",
                forward("--trust", derCertificate.toString(), "--issue-client-cert"));
        refusedUnchanged(ExitCodes.FAILURE, derCertificate, "--client-cert", "openssl x509 -inform der",
                forward("--trust", trust, "--client-cert", derCertificate.toString(), "--client-key",
                        pemKey.toString()));
        refusedUnchanged(ExitCodes.FAILURE, derKey, "--client-key", "openssl pkey -inform der",
                forward("--trust", trust, "--client-cert", pemCertificate.toString(), "--client-key",
                        derKey.toString()));
    }

    @Test
    void receive_aDerClientCaOrCertificate_stopsItsStart_exitTwo() throws Exception {
        Path drop = Files.createDirectories(files.resolve("drop"));
        refusedUnchanged(ExitCodes.CONFIG, derCertificate, "--client-ca", "openssl x509 -inform der",
                "receive", "--site", "manila", "--listen", "127.0.0.1:0", "--drop", drop.toString(), "--key",
                pemKey.toString(), "--cert", pemCertificate.toString(), "--client-ca", derCertificate.toString());
        refusedUnchanged(ExitCodes.CONFIG, derCertificate, "--cert", "openssl x509 -inform der",
                "receive", "--site", "manila", "--listen", "127.0.0.1:0", "--drop", drop.toString(), "--key",
                pemKey.toString(), "--cert", derCertificate.toString(), "--client-ca", pemCertificate.toString());
    }

    @Test
    void accountAddCertAndAccountAdd_aDerClientCertificate_isRefused_andNoAccountIsMade() throws Exception {
        refusedUnchanged(ExitCodes.FAILURE, derCertificate, "--client-cert", "openssl x509 -inform der",
                "account", "add-cert", "acme-api", "--client-cert", derCertificate.toString());
        refusedUnchanged(ExitCodes.FAILURE, derCertificate, "--client-cert", "openssl x509 -inform der",
                "account", "add", "acme-new", "--tenant", "acme", "--client-cert", derCertificate.toString());
        assertThat(cli.run("tenant", "show", "acme").out()).contains("acme-api").doesNotContain("acme-new");
    }

    /** review32 L9: the pair in use was read as UTF-8 text to be kept aside, so a DER server.crt stopped import. */
    @Test
    void tlsImport_overADerServerCertificate_replacesIt_keepingItsBytesAside() throws Exception {
        Path inUse = home.resolve("tls/server.crt");
        byte[] der = Pem.readCertificates(inUse).get(0).getEncoded();
        Files.write(inUse, der);

        Result imported = cli.run("tls", "import", "--cert", pemCertificate.toString(), "--key", pemKey.toString());

        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(Pem.readCertificates(inUse)).containsExactly(bought.certificate());
        try (Stream<Path> tls = Files.list(home.resolve("tls"))) {
            List<Path> kept = tls.filter(file -> file.getFileName().toString().startsWith("server.crt.replaced-"))
                    .toList();
            assertThat(kept).hasSize(1);
            assertThat(Files.readAllBytes(kept.get(0))).as("the DER file kept as it was").isEqualTo(der);
        }
    }

    private static String[] forward(String... options) {
        List<String> args = new ArrayList<>(List.of("forward", "configure", "manila", "--endpoint",
                "https://127.0.0.1:9443"));
        args.addAll(List.of(options));
        return args.toArray(String[]::new);
    }

    /**
     * Runs {@code args}; asserts the exit code, a message naming {@code option} with {@code file}, "PEM expected"
     * and {@code fix}, no charset or class name in it, and the data directory's TLS files as they were.
     */
    private static void refusedUnchanged(int exitCode, Path file, String option, String fix, String... args)
            throws Exception {
        List<String> before = tlsFiles();

        Result result = args[0].equals("receive") ? withoutHome(args) : cli.run(args);

        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(exitCode);
        assertThat(result.err()).contains(option + " " + file + ": ", "PEM expected", fix)
                .doesNotContain("MalformedInput", "Exception", "Input length");
        assertThat(tlsFiles()).isEqualTo(before);
    }

    /** {@code receive} runs without a data directory, so takes no {@code --home}. */
    private static Result withoutHome(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Vaultgate.execute(args, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private static List<String> tlsFiles() throws Exception {
        try (Stream<Path> tls = Files.list(home.resolve("tls"))) {
            return tls.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
