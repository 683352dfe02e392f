package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.server.CoreResources;
import io.vaultgate.server.cli.CliHarness.Result;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uxreview F5: {@code vaultgate account add-key|add-token|set-password} and {@code operator add-key|add-token} give an
 * existing login a new credential from the CLI, and the core's authenticator accepts it (real home made by
 * {@code init}, real core, nothing mocked).
 */
class AccountCredentialCommandsTest {

    private static final String PASSWORD = "correct horse battery staple";
    private static final Pattern TOKEN = Pattern.compile("its API token \\(shown once\\): (\\S+)");
    private static final Pattern FINGERPRINT = Pattern.compile("Added SSH key (SHA256:\\S+) to ");

    @TempDir
    Path home;
    @TempDir
    Path files;

    @Test
    void addToken_issuesATokenTheAuthenticatorAccepts_asTheAccount_printedOnce() {
        CliHarness cli = acme();
        ok(cli.run("account", "add", "acme-up", "--tenant", "acme", "--token"));

        Result issued = ok(cli.run("account", "add-token", "acme-up", "--label", "replacement"));

        assertThat(issued.out()).contains("Issued an API token labelled \"replacement\" for account acme-up");
        String token = match(TOKEN, issued.out());
        assertThat(login(core -> core.byToken(token, Protocol.HTTPS, "127.0.0.1")))
                .isInstanceOfSatisfying(AuthResult.Success.class, success -> assertThat(success.principal())
                        .isInstanceOf(ClientPrincipal.class).extracting(p -> p.name()).isEqualTo("acme-up"));
        assertThat(cli.run("account", "show", "acme-up").out()).contains("api tokens:   2 live", "label \"cli\"",
                "label \"replacement\"").doesNotContain(token);
    }

    @Test
    void addToken_withTokenFile_writesItThereOnly_mode0600() throws Exception {
        CliHarness cli = acme();
        ok(cli.run("account", "add", "acme-up", "--tenant", "acme"));
        Path file = files.resolve("acme-up.token");

        Result issued = ok(cli.run("account", "add-token", "acme-up", "--token-file", file.toString()));

        String token = Files.readString(file).strip();
        assertThat(issued.out()).contains("its API token is in " + file).doesNotContain(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(login(core -> core.byToken(token, Protocol.HTTPS, "127.0.0.1")))
                .isInstanceOf(AuthResult.Success.class);
    }

    @Test
    void addKey_isListedByShow_andAcceptedByTheAuthenticator_untilRevoked() throws Exception {
        CliHarness cli = acme();
        ok(cli.run("account", "add", "acme-up", "--tenant", "acme", "--ssh-key", ed25519()));
        Path pub = Files.writeString(files.resolve("new_key.pub"), ed25519() + "\n");

        Result added = ok(cli.run("account", "add-key", "acme-up", "--ssh-key", pub.toString()));

        String fingerprint = match(FINGERPRINT, added.out());
        assertThat(cli.run("account", "show", "acme-up").out()).contains("ssh keys:     2",
                fingerprint + "  ssh-ed25519  added ");
        assertThat(login(core -> core.byPublicKey("acme-up", fingerprint, Protocol.SFTP, "127.0.0.1")))
                .isInstanceOf(AuthResult.Success.class);

        Result revoked = ok(cli.run("account", "revoke", "acme-up", "--ssh-key", fingerprint, "--reason", "rollover"));

        assertThat(revoked.out()).as("uxreview F18: the CLI is no node").doesNotContain("on this node")
                .contains("the running gateway ends the sessions that used it");
        assertThat(cli.run("account", "show", "acme-up").out()).contains("ssh keys:     1")
                .doesNotContain(fingerprint);
        assertThat(login(core -> core.byPublicKey("acme-up", fingerprint, Protocol.SFTP, "127.0.0.1")))
                .isInstanceOf(AuthResult.Failure.class);
    }

    @Test
    void setPassword_onATenantAllowingPasswords_thenPasswordLoginWorks_andNoSecretIsShown() {
        CliHarness cli = acme();
        ok(cli.run("tenant", "add", "globex", "--allow-password"));
        ok(cli.run("account", "add", "globex-pw", "--tenant", "globex"));
        assertThat(cli.run("account", "show", "globex-pw").out()).contains("password:     not set");

        Result set = withStdin(PASSWORD + "\n", () -> cli.run("account", "set-password", "globex-pw",
                "--password-stdin"));

        ok(set);
        assertThat(set.out()).contains("Password set for account globex-pw").doesNotContain(PASSWORD);
        assertThat(login(core -> core.byPassword("globex-pw", PASSWORD.toCharArray(), Protocol.SFTP, "127.0.0.1")))
                .isInstanceOf(AuthResult.Success.class);
        String shown = cli.run("account", "show", "globex-pw").out();
        assertThat(shown).contains("password:     set").doesNotContain(PASSWORD).doesNotContainIgnoringCase("argon2");
    }

    @Test
    void setPassword_tooShortOrMissing_isRefusedCleanly() {
        CliHarness cli = acme();
        ok(cli.run("tenant", "add", "globex", "--allow-password"));
        ok(cli.run("account", "add", "globex-pw", "--tenant", "globex"));

        Result tooShort = withStdin("short\n", () -> cli.run("account", "set-password", "globex-pw",
                "--password-stdin"));
        Result nothing = withStdin("", () -> cli.run("account", "set-password", "globex-pw", "--password-stdin"));

        assertThat(tooShort.exitCode()).isEqualTo(1);
        assertThat(tooShort.err()).isEqualTo("vaultgate: passwords must have at least 12 characters\n");
        assertThat(nothing.exitCode()).isEqualTo(1);
        assertThat(nothing.err()).contains("no password on standard input");
        assertThat(cli.run("account", "set-password", "globex-pw").exitCode()).as("--password-stdin is required")
                .isEqualTo(2);
        assertThat(cli.run("account", "show", "globex-pw").out()).contains("password:     not set");
    }

    @Test
    void operatorAddKeyAndAddToken_giveTheOperatorCredentialsTheAuthenticatorAccepts() throws Exception {
        CliHarness cli = acme();
        ok(cli.run("site", "add", "manila"));
        ok(cli.run("operator", "add", "maria", "--site", "manila"));

        String fingerprint = match(FINGERPRINT, ok(cli.run("operator", "add-key", "maria", "--ssh-key",
                ed25519())).out());
        String token = match(TOKEN, ok(cli.run("operator", "add-token", "maria", "--label", "laptop-2")).out());

        assertThat(login(core -> core.byPublicKey("maria", fingerprint, Protocol.SFTP, "127.0.0.1")))
                .isInstanceOf(AuthResult.Success.class);
        assertThat(login(core -> core.byToken(token, Protocol.HTTPS, "127.0.0.1")))
                .isInstanceOfSatisfying(AuthResult.Success.class, success -> assertThat(success.principal())
                        .isInstanceOf(OperatorPrincipal.class).extracting(p -> p.name()).isEqualTo("maria"));
        assertThat(cli.run("operator", "show", "maria").out()).contains("operator maria", "site:         manila",
                "state:        active", fingerprint + "  ssh-ed25519", "api tokens:   1 live", "label \"laptop-2\"")
                .doesNotContain(token);
    }

    @Test
    void unknownLogins_andBadArguments_areCleanRefusals_exit1() throws Exception {
        CliHarness cli = acme();
        ok(cli.run("site", "add", "manila"));
        ok(cli.run("operator", "add", "maria", "--site", "manila"));
        ok(cli.run("operator", "remove", "maria", "--reason", "left"));
        String key = ed25519();

        assertRefused(cli.run("account", "add-key", "nobody", "--ssh-key", key), "no account named nobody");
        assertRefused(cli.run("account", "add-token", "nobody"), "no account named nobody");
        assertRefused(withStdin(PASSWORD + "\n", () -> cli.run("account", "set-password", "nobody",
                "--password-stdin")), "no account named nobody");
        assertRefused(cli.run("account", "add-key", "maria", "--ssh-key", key), "no account named maria");
        assertRefused(cli.run("operator", "add-key", "maria", "--ssh-key", key), "no operator named maria");
        assertRefused(cli.run("operator", "add-token", "maria"), "no operator named maria");
        assertRefused(cli.run("operator", "add-token", "nobody"), "no operator named nobody");
        ok(cli.run("account", "add", "acme-up", "--tenant", "acme"));
        assertRefused(cli.run("account", "add-key", "acme-up", "--ssh-key", files.resolve("none.pub").toString()),
                "cannot read the file");
        assertRefused(cli.run("account", "add-key", "acme-up", "--ssh-key", "ssh-ed25519 !!!"), "base64");
        assertRefused(cli.run("account", "add-token", "acme-up", "--label", " "), "--label: give 1-100");
        assertThat(cli.run("account", "add-key", "acme-up").exitCode()).as("--ssh-key is required").isEqualTo(2);
    }

    @Test
    void everyCredentialAdded_isAuditedAsTheOperatingSystemUser() throws Exception {
        CliHarness cli = acme();
        ok(cli.run("tenant", "add", "globex", "--allow-password"));
        ok(cli.run("account", "add", "globex-pw", "--tenant", "globex"));
        ok(cli.run("site", "add", "manila"));
        ok(cli.run("operator", "add", "maria", "--site", "manila"));
        String accountKey = match(FINGERPRINT, ok(cli.run("account", "add-key", "globex-pw", "--ssh-key",
                ed25519())).out());
        String operatorKey = match(FINGERPRINT, ok(cli.run("operator", "add-key", "maria", "--ssh-key",
                ed25519())).out());
        ok(cli.run("account", "add-token", "globex-pw"));
        ok(cli.run("operator", "add-token", "maria"));
        ok(withStdin(PASSWORD + "\n", () -> cli.run("account", "set-password", "globex-pw", "--password-stdin")));

        Path export = files.resolve("audit.jsonl");
        ok(cli.run("audit", "export", "--since", "2000-01-01T00:00:00Z", "--out", export.toString()));
        java.util.Map<String, Object> actors = new java.util.HashMap<>();
        for (String line : Files.readAllLines(export)) {
            java.util.Map<String, Object> record = io.vaultgate.core.audit.json.JsonReader.parseObject(line);
            if (record.get("event") instanceof java.util.Map<?, ?> event
                    && "CREDENTIAL_ADDED".equals(event.get("action"))) {
                actors.put(String.valueOf(event.get("subject")), event.get("actor"));
            }
        }

        String user = "cli:" + System.getProperty("user.name");
        assertThat(actors).containsEntry("globex-pw ssh-key " + accountKey, user)
                .containsEntry("operator maria ssh-key " + operatorKey, user)
                .containsEntry("globex-pw api-token", user).containsEntry("operator maria api-token", user)
                .containsEntry("globex-pw password", user);
        assertThat(Files.readString(export)).doesNotContain(PASSWORD);
    }

    private static void assertRefused(Result result, String message) {
        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(1);
        assertThat(result.err()).startsWith("vaultgate: ").contains(message).doesNotContain("Exception:", "\tat ")
                .hasLineCount(1);
    }

    private CliHarness acme() {
        CliHarness cli = new CliHarness(home);
        ok(cli.init());
        ok(cli.run("tenant", "add", "acme"));
        return cli;
    }

    /** One login decided by the core of the home, opened as a gateway node opens it. */
    private AuthResult login(Function<Authenticator, AuthResult> attempt) {
        try (CoreResources gateway = AcmeHome.open(home)) {
            return attempt.apply(gateway.core().authenticator());
        }
    }

    static Result ok(Result result) {
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        return result;
    }

    private static String match(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertThat(matcher.find()).as(text).isTrue();
        return matcher.group(1);
    }

    /** Runs {@code command} with {@code input} as the process's standard input, restored after. */
    static Result withStdin(String input, java.util.function.Supplier<Result> command) {
        InputStream before = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return command.get();
        } finally {
            System.setIn(before);
        }
    }

    /** A fresh Ed25519 public key as an {@code authorized_keys} line. */
    static String ed25519() throws Exception {
        byte[] x509 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(blob)) {
            byte[] type = "ssh-ed25519".getBytes(StandardCharsets.US_ASCII);
            data.writeInt(type.length);
            data.write(type);
            data.writeInt(32);
            data.write(Arrays.copyOfRange(x509, x509.length - 32, x509.length));
        }
        return "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob.toByteArray()) + " test@vaultgate";
    }
}
