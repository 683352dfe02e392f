package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardingAdministration;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.forward.RetryPolicy;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.ExitCodes;
import io.vaultgate.server.StartupException;
import io.vaultgate.server.config.ConfigException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ForwardCommandTest {

    @TempDir
    Path home;
    private CliHarness cli;

    @BeforeEach
    void anInitializedGatewayWithASite() {
        cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        assertThat(cli.run("tenant", "add", "acme").exitCode()).isZero();
        assertThat(cli.run("site", "add", "manila").exitCode()).isZero();
    }

    @Test
    void deadJob_isListed_andRetryMakesItPendingAgain() {
        String id = deadJob();

        Result dead = forward("list", "--state", "dead");
        assertThat(dead.exitCode()).as(dead.err()).isZero();
        assertThat(dead.out()).contains(id, "DEAD", "manila", "acme", "f_1", "site unreachable");

        Result retried = forward("retry", id);
        assertThat(retried.exitCode()).as(retried.err()).isZero();
        assertThat(retried.out()).contains(id, "PENDING again");
        assertThat(forward("list", "--state", "dead").out()).doesNotContain(id);
        assertThat(forward("list").out()).contains(id, "PENDING");
        assertThat(forward("list", "--file", "f_1").out()).contains(id, "PENDING");
        assertThat(forward("list", "--file", "f_other").out()).doesNotContain(id);
    }

    @Test
    void retryOfAnUnknownOrLiveJob_fails() {
        assertThat(forward("retry", "fw_nope").exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(forward("list", "--state", "sideways").err()).contains("use pending, in_flight, delivered, dead or "
                + "abandoned");
    }

    @Test
    void aSiteRemovedWithAbandonWork_leavesItsJobsAbandoned_listedWithTheTime_andNeverRetried() {
        String dead = deadJob();
        String pending = job("f_2");

        CliHarness.Result refused = cli.run("site", "remove", "manila", "--reason", "went out of business");
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(refused.err()).contains("1 forward(s) not delivered", "--abandon-work");
        CliHarness.Result removed = cli.run("site", "remove", "manila", "--reason", "went out of business",
                "--abandon-work");
        assertThat(removed.exitCode()).as(removed.err()).isZero();
        assertThat(removed.out()).contains("Removed site manila", "Abandoned 0 batch(es) and 2 forward(s)",
                "Forward jobs abandoned: ").contains(dead, pending).doesNotContain("the first");

        Result abandoned = forward("list", "--state", "abandoned");
        assertThat(abandoned.exitCode()).as(abandoned.err()).isZero();
        assertThat(abandoned.out()).contains(dead, pending).containsPattern(pending + " +ABANDONED +manila +acme +f_2 "
                + "+0 +\\d{4}-\\d\\d-\\d\\dT");
        Result retry = forward("retry", dead);
        assertThat(retry.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(retry.err()).contains("its site manila was removed");
    }

    @Test
    void configure_withAnIssuedClientCertificate_storesTheSite() {
        Result result = forward("configure", "manila", "--endpoint", "https://127.0.0.1:9443",
                "--trust", home.resolve("tls/ca.crt").toString(), "--issue-client-cert");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("CN=vaultgate-forwarder-manila", "--client-ca");
        assertThat(new ForwardingAdministration(Database.sqlite(home.resolve("catalog.db")), Clock.systemUTC())
                .site("manila")).hasValueSatisfying(site -> {
                    assertThat(site.endpoint().toString()).isEqualTo("https://127.0.0.1:9443");
                    assertThat(site.clientKeyFile()).isEqualTo(home.resolve("tls/forward-manila.key").toAbsolutePath());
                });
    }

    @Test
    void issuedForwarderCertificates_comeFromTheForwardingCa_whichIssuesNoAccountCertificate() throws Exception {
        Result first = forward("configure", "manila", "--endpoint", "https://127.0.0.1:9443",
                "--trust", home.resolve("tls/ca.crt").toString(), "--issue-client-cert");
        assertThat(first.exitCode()).as(first.err()).isZero();
        Path forwardingCaFile = home.resolve("tls/forwarding-ca.crt");
        assertThat(first.out()).contains(forwardingCaFile.toString(), "--client-ca");
        X509Certificate forwardingCa = Pem.readCertificates(forwardingCaFile).get(0);
        X509Certificate gatewayCa = Pem.readCertificates(home.resolve("tls/ca.crt")).get(0);
        assertThat(cli.run("account", "add", "acme-api", "--tenant", "acme", "--issue-client-cert",
                home.resolve("certs").toString()).exitCode()).isZero();
        X509Certificate account = Pem.readCertificates(home.resolve("certs/acme-api.crt")).get(0);

        assertThat(forwardingCa.getSubjectX500Principal()).isNotEqualTo(gatewayCa.getSubjectX500Principal());
        forwarderCertificate().verify(forwardingCa.getPublicKey());
        assertThatThrownBy(() -> forwarderCertificate().verify(gatewayCa.getPublicKey()))
                .isInstanceOf(SignatureException.class);
        assertThatThrownBy(() -> account.verify(forwardingCa.getPublicKey()))
                .as("a site trusting the forwarding CA refuses an account's certificate")
                .isInstanceOf(SignatureException.class);

        Result again = forward("configure", "manila", "--endpoint", "https://127.0.0.1:9444",
                "--trust", home.resolve("tls/ca.crt").toString(), "--issue-client-cert");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Pem.readCertificates(forwardingCaFile).get(0)).as("the CA sites trust is kept")
                .isEqualTo(forwardingCa);
        forwarderCertificate().verify(forwardingCa.getPublicKey());
    }

    private X509Certificate forwarderCertificate() throws Exception {
        return Pem.readCertificates(home.resolve("tls/forward-manila.crt")).get(0);
    }

    @Test
    void retryOfAPendingJob_orAnUnknownId_failsWithTheReason_andChangesNothing() {
        String id = deadJob();
        assertThat(forward("retry", id).exitCode()).isZero();

        Result again = forward("retry", id);
        assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.err()).contains(id, "PENDING", "only DEAD jobs can be retried");
        Result unknown = forward("retry", "fw_nope");
        assertThat(unknown.err()).contains("no forward job fw_nope");
        assertThat(forward("list").out()).contains(id, "PENDING");
    }

    @Test
    void configure_withACrlFileHoldingNoCrl_isRefused_ratherThanCheckingNoRevocation() throws Exception {
        Path empty = java.nio.file.Files.writeString(home.resolve("empty.crl"), "");
        Path notACrl = java.nio.file.Files.writeString(home.resolve("notes.crl"), "revocation list to follow\n");
        for (Path crl : new Path[] {empty, notACrl}) {
            Result result = forward("configure", "manila", "--endpoint", "https://127.0.0.1:9443",
                    "--trust", home.resolve("tls/ca.crt").toString(), "--issue-client-cert", "--crl", crl.toString());

            assertThat(result.exitCode()).as(result.out()).isEqualTo(ExitCodes.FAILURE);
            assertThat(result.err()).contains("--crl " + crl);
        }
        assertThat(new ForwardingAdministration(Database.sqlite(home.resolve("catalog.db")), Clock.systemUTC())
                .site("manila")).isEmpty();
    }

    @Test
    void receive_withACrlFileHoldingNoCrl_isRefused_ratherThanCheckingNoRevocation() throws Exception {
        Path empty = java.nio.file.Files.writeString(home.resolve("empty.crl"), "");
        Result result = run("receive", "--site", "manila", "--listen", "127.0.0.1:0", "--drop",
                home.resolve("drop").toString(), "--key", "k", "--cert", "c", "--client-ca",
                home.resolve("tls/ca.crt").toString(), "--crl", empty.toString());

        assertThat(result.exitCode()).isEqualTo(ExitCodes.CONFIG);
        assertThat(result.err()).contains("--crl " + empty, "no CRL");
    }

    @Test
    void configure_refusesPlainHttp() {
        Result result = forward("configure", "manila", "--endpoint", "http://127.0.0.1:9443",
                "--trust", home.resolve("tls/ca.crt").toString(), "--issue-client-cert");
        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.err()).contains("only https:// endpoints are allowed");
    }

    @Test
    void configure_issuingForAnUnknownOrInvalidSite_issuesAndWritesNothing() throws Exception {
        java.util.Set<Path> before = filesUnder(home);
        for (String typo : new String[] {"manilla", "../../x", "Manila"}) {
            Result result = forward("configure", typo, "--endpoint", "https://127.0.0.1:9443",
                    "--trust", home.resolve("tls/ca.crt").toString(), "--issue-client-cert");
            assertThat(result.exitCode()).as(typo).isEqualTo(ExitCodes.FAILURE);
            assertThat(result.err()).as(typo).containsAnyOf("site " + typo + " does not exist", "site id " + typo + ": ");
        }
        assertThat(filesUnder(home)).as("no key, certificate, forwarding CA or directory written").isEqualTo(before);
        assertThat(forward("configure", "manila", "--endpoint", "https://127.0.0.1:9443", "--trust",
                home.resolve("tls/ca.crt").toString(), "--issue-client-cert").exitCode()).as("the real site").isZero();
        assertThat(home.resolve("tls/forward-manila.key")).exists();
    }

    @Test
    void configure_issuingWithABadEndpointTrustOrCrl_issuesAndWritesNothing() throws Exception {
        java.util.Set<Path> before = filesUnder(home);
        String trust = home.resolve("tls/ca.crt").toString();
        String[][] mistakes = {
                {"--endpoint", "http://127.0.0.1:9443", "--trust", trust},
                {"--endpoint", "https://127.0.0.1:9443", "--trust", home.resolve("no-such.pem").toString()},
                {"--endpoint", "https://127.0.0.1:9443", "--trust", trust, "--crl", trust}};
        for (String[] mistake : mistakes) {
            String[] args = new String[mistake.length + 3];
            args[0] = "configure";
            args[1] = "manila";
            System.arraycopy(mistake, 0, args, 2, mistake.length);
            args[args.length - 1] = "--issue-client-cert";
            assertThat(forward(args).exitCode()).as(String.join(" ", mistake)).isNotZero();
        }
        assertThat(filesUnder(home)).as("no key, certificate, forwarding CA or directory written").isEqualTo(before);
    }

    @Test
    void configureHelp_namesTheForwardingCa_notTheGatewayCa() {
        Result help = run("forward", "configure", "--help");
        String text = help.out().replaceAll("\\s+", " ");
        assertThat(text).contains("from the forwarding CA (<home>/tls/forwarding-ca.key",
                "give the site <home>/tls/forwarding-ca.crt for its --client-ca, never ca.crt");
        assertThat(text).doesNotContain("gateway CA (<home>/tls/ca.key)");
    }

    /** Everything under {@code dir} but the catalog's own files (reading it may leave a journal). */
    private static java.util.Set<Path> filesUnder(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(dir)) {
            return all.filter(path -> !path.getFileName().toString().startsWith("catalog.db"))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void receive_refusesAConnectionCapBelowOne_asBadUsage() {
        for (String cap : new String[] {"0", "-3"}) {
            Result result = run("receive", "--site", "manila", "--drop", home.resolve("drop").toString(), "--key",
                    "k", "--cert", "c", "--client-ca", home.resolve("tls/ca.crt").toString(),
                    "--max-connections-per-ip", cap);
            assertThat(result.exitCode()).as(cap).isEqualTo(CommandLine.ExitCode.USAGE);
            assertThat(result.err()).contains("--max-connections-per-ip: must be at least 1, got " + cap);
        }
        assertThat(java.nio.file.Files.exists(home.resolve("drop"))).as("nothing started").isFalse();
    }

    /** A receiver serves one site: without its id it could not tell another site's certificate or file. */
    @Test
    void receive_withoutASite_orWithOneThatIsNoSiteId_isBadUsage_andStartsNothing() {
        String[] common = {"receive", "--drop", home.resolve("drop").toString(), "--key", "k", "--cert", "c",
                "--client-ca", home.resolve("tls/ca.crt").toString()};
        Result missing = run(common);
        assertThat(missing.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(missing.err()).contains("Missing required option: '--site=ID'");
        for (String id : new String[] {"../x", "Manila", "m"}) {
            String[] args = java.util.Arrays.copyOf(common, common.length + 2);
            args[common.length] = "--site";
            args[common.length + 1] = id;
            Result result = run(args);
            assertThat(result.exitCode()).as(id).isEqualTo(CommandLine.ExitCode.USAGE);
            assertThat(result.err()).as(id).contains("--site " + id + ": ", "vaultgate site add SITE");
        }
        assertThat(java.nio.file.Files.exists(home.resolve("drop"))).as("nothing started").isFalse();
    }

    @Test
    void receive_refusesABadListenAddress() {
        assertThat(ReceiveCommandAddress.parse("127.0.0.1:9443").getPort()).isEqualTo(9443);
        Result result = run("receive", "--site", "manila", "--listen", "nowhere", "--drop",
                home.resolve("drop").toString(), "--key", "k", "--cert", "c", "--client-ca",
                home.resolve("tls/ca.crt").toString());
        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.err()).contains("give HOST:PORT");
        assertThatThrownBy(() -> ReceiveCommandAddress.parse("no-such-host.invalid:9443"))
                .hasMessage("--listen no-such-host.invalid:9443: no-such-host.invalid does not resolve; give an IP "
                        + "address, e.g. 0.0.0.0:9443, or a name that resolves");
    }

    private String deadJob() {
        Database database = Database.sqlite(home.resolve("catalog.db"));
        Outbox outbox = new Outbox(database, new RetryPolicy(1, Duration.ofSeconds(1), Duration.ofSeconds(1)),
                new SecureRandom());
        Instant now = Instant.now();
        FileRecord file = new FileRecord("f_1", TenantId.of("acme"), "ac_1", PathPolicy.parse("/inbox/a.csv"),
                FileState.COMMITTED, new ObjectId("0".repeat(32)), 1, Optional.of("0".repeat(64)), now, now);
        database.inTransaction(jdbc -> outbox.enqueue(jdbc, file, "manila", now));
        ForwardJob job = outbox.claim("manila", "test", 1, Duration.ofMinutes(1), now).get(0);
        outbox.fail(job, "site unreachable", false, now);
        return job.id();
    }

    /** A pending job of a file of its own. */
    private String job(String fileId) {
        Database database = Database.sqlite(home.resolve("catalog.db"));
        Outbox outbox = new Outbox(database, RetryPolicy.defaults(), new SecureRandom());
        Instant now = Instant.now();
        FileRecord file = new FileRecord(fileId, TenantId.of("acme"), "ac_1", PathPolicy.parse("/inbox/" + fileId),
                FileState.COMMITTED, new ObjectId("0".repeat(32)), 1, Optional.of("0".repeat(64)), now, now);
        database.inTransaction(jdbc -> outbox.enqueue(jdbc, file, "manila", now));
        String id = outbox.byFile(fileId).get(0).id();
        database.close();
        return id;
    }

    private Result forward(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "forward";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--home";
        all[args.length + 2] = home.toString();
        return run(all);
    }

    record Result(int exitCode, String out, String err) {
    }

    @Command(name = "vaultgate", subcommands = {ForwardCommand.class, ReceiveCommand.class})
    static final class Root {
    }

    /** The forwarding commands as {@code vaultgate} will run them once the lead registers them. */
    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter errWriter = new PrintWriter(err, true);
        CommandLine line = new CommandLine(new Root(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                try {
                    java.lang.reflect.Constructor<K> constructor = type.getDeclaredConstructor(Map.class);
                    constructor.setAccessible(true);
                    return constructor.newInstance(Map.of());
                } catch (NoSuchMethodException noEnvironment) {
                    return CommandLine.defaultFactory().create(type);
                }
            }
        });
        line.setOut(new PrintWriter(out, true));
        line.setErr(errWriter);
        line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            errWriter.println("vaultgate: " + (e instanceof io.vaultgate.core.GatewayException g ? g.clientMessage()
                    : e.getMessage()));
            return e instanceof ConfigException || e instanceof StartupException ? ExitCodes.CONFIG : ExitCodes.FAILURE;
        });
        return new Result(line.execute(args), out.toString(), err.toString());
    }

    /** Reaches the package-private address parser. */
    private static final class ReceiveCommandAddress {
        static java.net.InetSocketAddress parse(String text) {
            return ReceiveCommand.address(text);
        }
    }
}
