package io.vaultgate.server.config;

import static io.vaultgate.server.config.ConfigFixtures.loadYaml;
import static io.vaultgate.server.config.ConfigFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every error is one line: the key, the problem, and the fix, including where the bad value came from. */
class ConfigErrorTest {
    @TempDir
    Path dir;

    private String file() {
        return dir.resolve(ConfigLoader.FILE_NAME).toString();
    }

    private ConfigException fromYaml(String yaml) {
        return catchThrowableOfType(ConfigException.class, () -> loadYaml(dir, yaml));
    }

    private ConfigException fromEnvAndOverrides(Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> withHome = new java.util.HashMap<>(overrides);
        withHome.putIfAbsent("home", dir.toString());
        return catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), env, withHome));
    }

    @Test
    void unknownKey_isRejectedNamingTheKeyAndKnownKeys() {
        ConfigException e = fromYaml("sftp:\n  prot: 2022\n");

        assertThat(e.key()).isEqualTo("sftp.prot");
        assertThat(e).hasMessage("sftp.prot: unknown key; did you mean sftp.port? known keys under sftp: enabled,"
                + " bind, port, max-auth-attempts, auth-timeout, idle-timeout, max-connections,"
                + " max-connections-per-source, check-file-max-request, check-file-max-per-connection, proxy-protocol"
                + " (set in " + file() + ")");
    }

    /**
     * The check-file bounds are validated at load, naming the key: 64KiB to 16MiB per request, per connection from the
     * per-request bound to 1GiB. New keys (the bounds were constants).
     */
    @Test
    void checkFileBounds_outOfRange_nameTheKey() {
        assertThat(fromYaml("sftp:\n  check-file-max-request: 32KiB\n"))
                .hasMessageStartingWith("sftp.check-file-max-request: expected a size between 64KiB and 16MiB, got 32KiB");
        assertThat(fromYaml("sftp:\n  check-file-max-request: 17MiB\n"))
                .hasMessageStartingWith("sftp.check-file-max-request: expected a size between 64KiB and 16MiB");
        assertThat(fromYaml("sftp:\n  check-file-max-request: 4MiB\n  check-file-max-per-connection: 2MiB\n"))
                .hasMessageStartingWith("sftp.check-file-max-per-connection: expected a size between 4MiB and 1GiB,"
                        + " got 2MiB");
        assertThat(fromYaml("sftp:\n  check-file-max-per-connection: 2GiB\n"))
                .hasMessageStartingWith("sftp.check-file-max-per-connection: expected a size between 1MiB and 1GiB");
    }

    @Test
    void proxyProtocolTrusted_thatIsNotACidrList_namesTheKey() {
        assertThat(fromYaml("sftp:\n  proxy-protocol:\n    trusted: 10.0.0.5/32, haproxy.local\n"))
                .hasMessageStartingWith("sftp.proxy-protocol.trusted: not an IP address: \"haproxy.local\"")
                .hasMessageContaining("CIDRs of the load balancers");
        assertThat(fromYaml("https:\n  proxy-protocol:\n    trusted: 10.0.0.0/33\n"))
                .hasMessageStartingWith("https.proxy-protocol.trusted: prefix length must be 0-32, got 33");
    }

    @Test
    void proxyProtocolTrustingEveryAddress_isRefused_becauseAnyClientCouldNameAnySource() {
        assertThat(fromYaml("sftp:\n  proxy-protocol:\n    trusted: 10.0.0.5/32, 0.0.0.0/0\n"))
                .hasMessageStartingWith("sftp.proxy-protocol.trusted: 0.0.0.0/0 trusts every address")
                .hasMessageContaining("CIDRs of the load balancers");
        assertThat(fromYaml("https:\n  proxy-protocol:\n    trusted: ::/0\n"))
                .hasMessageStartingWith("https.proxy-protocol.trusted: 0:0:0:0:0:0:0:0/0 trusts every address");
    }

    @Test
    void unknownTopLevelKey_listsTheTopLevelKeys() {
        assertThat(fromYaml("tls:\n  port: 1\n")).hasMessage("tls: unknown key; known top-level keys: home, sftp,"
                + " https, keys, catalog, storage, uploads, shutdown, logging, ops, access (set in " + file() + ")");
    }

    @Test
    void keyInAnotherNamingStyle_isRejectedWithTheKebabCaseSuggestion() {
        assertThat(fromYaml("sftp:\n  maxAuthAttempts: 3\n"))
                .hasMessageStartingWith("sftp.maxAuthAttempts: unknown key; did you mean sftp.max-auth-attempts?");
    }

    @Test
    void wrongType_namesTheKeyTheExpectedTypeAndTheValue() {
        assertThat(fromYaml("sftp:\n  port: abc\n"))
                .hasMessage("sftp.port: expected an integer, got \"abc\"; fix the value in " + file());
        assertThat(fromYaml("https:\n  enabled: maybe\n"))
                .hasMessage("https.enabled: expected true or false, got \"maybe\"; fix the value in " + file());
    }

    @Test
    void fractionalPort_isRejectedNotTruncated() {
        assertThat(fromYaml("sftp:\n  port: 2222.5\n")).hasMessageStartingWith("sftp.port: expected an integer");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "sftp:\\n  port: 70000          | sftp.port: expected an integer between 0 and 65535, got 70000",
        "sftp:\\n  port: -1             | sftp.port: expected an integer between 0 and 65535, got -1",
        "sftp:\\n  max-auth-attempts: 0 | sftp.max-auth-attempts: expected an integer between 1 and 100, got 0",
        "sftp:\\n  auth-timeout: 2h     | sftp.auth-timeout: expected a duration between 1s and 1h, got 2h",
        "uploads:\\n  reorder-window: 1KiB | uploads.reorder-window: expected a size between 64KiB and 256MiB, got 1KiB",
        "uploads:\\n  reorder-memory: 1MiB | uploads.reorder-memory: expected a size between 4MiB and 16GiB, got 1MiB",
        "https:\\n  max-upload-size: 0  | https.max-upload-size: expected a size between 1B and",
        "sftp:\\n  max-connections: 0   | sftp.max-connections: expected an integer between 1 and 100000, got 0",
        "https:\\n  max-connections: 100001 | https.max-connections: expected an integer between 1 and 100000, got 100001",
        "sftp:\\n  max-connections-per-source: 0 | sftp.max-connections-per-source: expected an integer between 1 and 100000, got 0",
        "https:\\n  max-connections-per-source: -1 | https.max-connections-per-source: expected an integer between 1 and 100000, got -1",
        "ops:\\n  max-connections: 10001 | ops.max-connections: expected an integer between 1 and 10000, got 10001",
        "ops:\\n  idle-timeout: 11s      | ops.idle-timeout: expected a duration between 1s and 10s, got 11s",
        "ops:\\n  idle-timeout: 500ms    | ops.idle-timeout: expected a duration between 1s and 10s, got 500ms",
        "https:\\n  keep-alive-timeout: 31s | https.keep-alive-timeout: expected a duration between 1s and 30s, got 31s",
        "https:\\n  keep-alive-timeout: 0s  | https.keep-alive-timeout: expected a duration between 1s and 30s, got 0s",
    })
    void outOfRangeValue_namesTheRangeAndTheValue(String yaml, String message) {
        assertThat(fromYaml(yaml.replace("\\n", "\n"))).hasMessageStartingWith(message)
                .hasMessageEndingWith("; fix the value in " + file());
    }

    @Test
    void badDuration_showsTheAcceptedForms() {
        assertThat(fromYaml("uploads:\n  partial-expiry: abc\n")).hasMessage("uploads.partial-expiry: not a duration"
                + " \"abc\"; use e.g. 30s, 10m, 24h, 500ms or ISO-8601 such as PT30S (set in " + file() + ")");
    }

    @Test
    void bareNumberAsDuration_isRejectedBecauseItsUnitWouldBeAGuess() {
        assertThat(fromYaml("sftp:\n  idle-timeout: 600\n"))
                .hasMessageStartingWith("sftp.idle-timeout: not a duration \"600\"; use e.g. 30s");
    }

    @Test
    void badSize_showsTheAcceptedForms() {
        assertThat(fromYaml("https:\n  max-upload-size: lots\n")).hasMessage("https.max-upload-size: not a size"
                + " \"lots\"; use e.g. 64KiB, 4MiB, 100GiB or a plain number of bytes (set in " + file() + ")");
        assertThat(fromYaml("https:\n  max-upload-size: 5XB\n"))
                .hasMessageStartingWith("https.max-upload-size: unknown size unit \"XB\" in \"5XB\"; use B, KiB");
    }

    @Test
    void unknownEnumValue_listsTheAllowedValues() {
        assertThat(fromYaml("keys:\n  provider: foo\n"))
                .hasMessage("keys.provider: unknown value \"foo\"; allowed: keystore, pkcs11 (set in " + file() + ")");
        assertThat(fromYaml("logging:\n  level: loud\n")).hasMessageStartingWith(
                "logging.level: unknown value \"loud\"; allowed: TRACE, DEBUG, INFO, WARN, ERROR, OFF");
    }

    @Test
    void missingConfigFile_namesTheOptionAndThePath() {
        Path missing = dir.resolve("nope/y.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(missing), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--config " + missing + ": file not found; give an existing file");
    }

    @Test
    void missingFileNamedByConfigEnv_namesTheVariable() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("VAULTGATE_CONFIG", "/nope.yaml"),
                Map.of())).hasMessage("VAULTGATE_CONFIG=/nope.yaml: file not found; give an existing file");
    }

    @Test
    void configFileThatIsADirectory_isRejected() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(dir), Map.of(), Map.of()))
                .hasMessage("--config " + dir + ": not a regular file; give the path of a YAML file");
    }

    @Test
    void malformedYaml_namesTheFileAndTheLine() {
        ConfigException e = fromYaml("sftp:\n  port: 2222\n bind: [oops\n");

        assertThat(e.getMessage()).startsWith(file() + ": not valid YAML at line 3: ").endsWith("; fix the syntax");
    }

    @Test
    void duplicateKey_isRejected() {
        assertThat(fromYaml("sftp:\n  port: 2222\n  port: 2223\n").getMessage())
                .startsWith(file() + ": not valid YAML at line 3: ").contains("port");
    }

    @Test
    void topLevelList_isRejected() {
        assertThat(fromYaml("- a\n- b\n")).hasMessage(file() + ": expected a mapping of keys at the top level,"
                + " got a list; start the file with keys such as home:, sftp:, https:");
    }

    @Test
    void sectionGivenAsAValue_andValueGivenAsASection_areRejected() {
        assertThat(fromYaml("sftp: 2222\n")).hasMessage("sftp: expected a section with keys enabled, bind, port,"
                + " max-auth-attempts, auth-timeout, idle-timeout, max-connections, max-connections-per-source,"
                + " check-file-max-request, check-file-max-per-connection, proxy-protocol, got the value \"2222\"; fix"
                + " the value in " + file());
        assertThat(fromYaml("sftp:\n  port:\n    number: 1\n"))
                .hasMessage("sftp.port: expected a single value, got a mapping; fix the value in " + file());
    }

    @Test
    void keyWithoutValue_saysToGiveOneOrRemoveIt() {
        assertThat(fromYaml("sftp:\n  port:\n")).hasMessage("sftp.port: no value; give a value, or remove the key"
                + " to use the default 2222 (set in " + file() + ")");
    }

    @Test
    void badEnvValue_namesTheVariableToFix() {
        assertThat(fromEnvAndOverrides(Map.of("VAULTGATE_SFTP_PORT", "22x"), Map.of()))
                .hasMessage("sftp.port: expected an integer, got \"22x\"; fix the value in environment variable"
                        + " VAULTGATE_SFTP_PORT");
    }

    @Test
    void badOverride_namesTheOverrideToFix() {
        assertThat(fromEnvAndOverrides(Map.of("VAULTGATE_SFTP_PORT", "2022"), Map.of("sftp.port", "99999")))
                .hasMessage("sftp.port: expected an integer between 0 and 65535, got 99999; fix the value in"
                        + " command-line override sftp.port");
    }

    @Test
    void unknownOverrideKey_isRejectedWithASuggestion() {
        assertThat(fromEnvAndOverrides(Map.of(), Map.of("sftp.prot", "1"))).hasMessageStartingWith(
                "sftp.prot: unknown key; did you mean sftp.port? known keys under sftp: enabled, bind, port");
        assertThat(fromEnvAndOverrides(Map.of(), Map.of("sfpt.port", "1")))
                .hasMessageStartingWith("sfpt.port: unknown key; did you mean sftp.port? known top-level keys: home");
    }

    @Test
    void overrideOfASection_asksForOneOfItsKeys() {
        assertThat(fromEnvAndOverrides(Map.of(), Map.of("logging", "json"))).hasMessage("logging: is a section,"
                + " not a value; set one of its keys: logging.format, logging.level (set in command-line"
                + " override logging)");
    }

    @Test
    void emptyOverrideForANumber_isRejected() {
        assertThat(fromEnvAndOverrides(Map.of(), Map.of("https.port", "")))
                .hasMessageStartingWith("https.port: expected an integer, got \"\"");
    }

    @Test
    void samePortForBothFrontEnds_isRejected() {
        assertThat(fromYaml("https:\n  port: 2222\n")).hasMessage("https.port: port 2222 is also sftp.port;"
                + " give the two front-ends different ports (set in " + file() + ")");
    }

    @Test
    void bothFrontEndsDisabled_isRejected() {
        assertThat(fromYaml("sftp:\n  enabled: false\nhttps:\n  enabled: false\n"))
                .hasMessageStartingWith("https.enabled: both sftp.enabled and https.enabled are false");
    }

    @Test
    void badBindAddressAndEnvName_areRejected() {
        assertThat(fromYaml("sftp:\n  bind: \"0.0.0.0 ; rm\"\n"))
                .hasMessageStartingWith("sftp.bind: not a host name or IP address \"0.0.0.0 ; rm\"");
        assertThat(fromYaml("keys:\n  master-secret-env: \"MY-SECRET\"\n"))
                .hasMessageStartingWith("keys.master-secret-env: not an environment variable name \"MY-SECRET\"");
    }

    @Test
    void everyMessage_isOneLine() {
        ConfigException e = fromYaml("sftp:\n  bind: \"a\\nb\"\n");

        assertThat(e.getMessage()).doesNotContain("\n").startsWith("sftp.bind: ");
    }

    @Test
    void configFileTooLarge_isRejected() {
        Path big = write(dir, "big.yaml", "#" + "x".repeat(1 << 20) + "\n");

        assertThatThrownBy(() -> ConfigFixtures.loadFile(big))
                .hasMessageStartingWith(big + ": larger than 1 MiB");
    }
}
