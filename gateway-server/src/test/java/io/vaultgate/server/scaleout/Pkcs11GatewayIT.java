package io.vaultgate.server.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway with {@code keys.provider: pkcs11} on a real SoftHSM2 token made by the test, every step a process of
 * its own as operators run them ({@code java -jar vaultgate.jar ...}): {@code init} makes no keystore or master
 * secret; {@code run} serves a real {@code curl} upload over HTTPS and reads it back; {@code keys rotate --rewrap}
 * from a second process while the node serves, then {@code keys disable} of the old version, and the file still
 * reads back, a new one too; {@code doctor} logs in to the token; the PIN appears in no output. Start-up with a wrong
 * PIN, a missing module or no PIN at all is refused, the message naming the cause.
 */
class Pkcs11GatewayIT {

    private static final String PIN = "pin-5c1e9a7f";
    private static final byte[] MARKER = "VAULTGATE-HSM-PLAINTEXT-MARKER".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    @Test
    void gatewayOnAnHsmToken_storesAndReadsBack_rotatesAndDisablesFromAnotherProcess_withoutAKeyFile()
            throws Exception {
        SoftHsmToken token = SoftHsmToken.create(dir.resolve("hsm"), "vaultgate-it", PIN);
        Path home = dir.resolve("home");
        Map<String, String> env = new HashMap<>(token.environment());
        env.put("VAULTGATE_PKCS11_PIN", PIN);
        Map<String, String> settings = token.settings();
        List<String> outputs = new ArrayList<>();

        GatewayCli.seedHostKeys(home, env, settings);
        List<String> setUp = GatewayCli.runAll(home, env, settings, List.of(List.of("init"),
                List.of("tenant", "add", "acme", "--name", "Acme"),
                List.of("account", "add", "loader", "--tenant", "acme", "--token")));
        outputs.addAll(setUp);
        assertThat(home.resolve("keys/kek.p12")).doesNotExist();
        assertThat(home.resolve("secrets/master.key")).doesNotExist();
        String apiToken = GatewayCli.apiToken(setUp.get(2));

        Path first = markedFile(dir.resolve("first.bin"), 1);
        Path second = markedFile(dir.resolve("second.bin"), 2);
        try (GatewayProcess node = GatewayProcess.start("hsm-node", home, env, settings)) {
            Curl curl = new Curl(home.resolve("tls/ca.crt"));
            String base = "https://127.0.0.1:" + node.httpsPort + "/v1/files/inbox/";

            assertThat(curl.upload(apiToken, first, base + "first.bin", 60).output()).isIn("200", "201", "204");
            assertReadsBack(curl, apiToken, base + "first.bin", first);

            String rotated = GatewayCli.run(home, env, settings, 0, "keys", "rotate", "--tenant", "acme", "--rewrap");
            outputs.add(rotated);
            assertThat(rotated).contains("now encrypts new files under acme/v2").contains("re-wrapped 1 key slots");
            assertReadsBack(curl, apiToken, base + "first.bin", first);
            assertThat(curl.upload(apiToken, second, base + "second.bin", 60).output()).isIn("200", "201", "204");
            assertReadsBack(curl, apiToken, base + "second.bin", second);

            outputs.add(GatewayCli.run(home, env, settings, 0, "keys", "disable", "--tenant", "acme",
                    "--kek-version", "1"));
            assertReadsBack(curl, apiToken, base + "first.bin", first);

            String doctor = GatewayCli.run(home, env, settings, GatewayCli.ANY_EXIT, "doctor");
            outputs.add(doctor);
            assertThat(doctor).doesNotContain("pkcs11-token:").doesNotContain("keystore-copy:")
                    .doesNotContain("could not run");
            Map<String, String> wrongPin = new HashMap<>(env);
            wrongPin.put("VAULTGATE_PKCS11_PIN", "not-the-pin");
            assertThat(GatewayCli.run(home, wrongPin, settings, 1, "doctor"))
                    .contains("pkcs11-token: slot " + token.slot())
                    .contains("CKR_PIN_INCORRECT").doesNotContain("not-the-pin");
            outputs.add(node.logTail());
        }
        try (Stream<Path> files = Files.walk(home.resolve("objects"))) {
            for (Path stored : files.filter(Files::isRegularFile).toList()) {
                assertThat(contains(Files.readAllBytes(stored), MARKER)).as("plaintext in %s", stored).isFalse();
            }
        }
        outputs.add(Files.readString(GatewayProcess.logFile("hsm-node")));
        assertThat(outputs).allSatisfy(output -> assertThat(output).doesNotContain(PIN));
    }

    @Test
    void startUp_withAWrongPin_aMissingModule_orNoPin_isRefused_namingTheCause() throws Exception {
        SoftHsmToken token = SoftHsmToken.create(dir.resolve("hsm"), "vaultgate-it", PIN);
        Path home = dir.resolve("home");
        Map<String, String> env = new HashMap<>(token.environment());
        env.put("VAULTGATE_PKCS11_PIN", PIN);
        Map<String, String> settings = new HashMap<>(token.settings());
        settings.putAll(Map.of("sftp.bind", "127.0.0.1", "sftp.port", "0", "https.bind", "127.0.0.1",
                "https.port", "0", "ops.port", "0"));
        GatewayCli.seedHostKeys(home, env, settings);
        GatewayCli.run(home, env, settings, 0, "init");

        Map<String, String> wrongPin = new HashMap<>(env);
        wrongPin.put("VAULTGATE_PKCS11_PIN", "not-the-pin");
        assertThat(GatewayCli.run(home, wrongPin, settings, 2, "run")).contains("keys.pkcs11 (module " + token.library()
                + ", slot " + token.slot() + ")").contains("CKR_PIN_INCORRECT")
                .contains("correct it in $VAULTGATE_PKCS11_PIN or " + home.resolve("secrets/pkcs11.pin"))
                .doesNotContain("not-the-pin");

        Map<String, String> noModule = new HashMap<>(settings);
        noModule.put("keys.pkcs11.library", dir.resolve("no/libpkcs11.so").toString());
        assertThat(GatewayCli.run(home, env, noModule, 2, "run")).contains("keys.pkcs11.library "
                + dir.resolve("no/libpkcs11.so") + ": no such file");

        Map<String, String> wrongSlot = new HashMap<>(settings);
        wrongSlot.put("keys.pkcs11.slot", String.valueOf(token.slot() + 1));
        assertThat(GatewayCli.run(home, env, wrongSlot, 2, "run")).contains("CKR_SLOT_ID_INVALID")
                .contains("give keys.pkcs11.slot as the module lists it");

        Map<String, String> noPin = new HashMap<>(token.environment());
        assertThat(GatewayCli.run(home, noPin, settings, 2, "keys", "rotate", "--tenant", "acme")).contains(
                "keys.pkcs11.pin-file " + home.resolve("secrets/pkcs11.pin") + ": no PIN for the PKCS#11 token");
    }

    private static void assertReadsBack(Curl curl, String apiToken, String url, Path original) throws Exception {
        Path back = Files.createTempFile(original.getParent(), "back", ".bin");
        Curl.Result get = curl.download(apiToken, url, back, 60);
        assertThat(get.output()).as("GET %s: %s", url, get).isEqualTo("200");
        assertThat(Files.mismatch(back, original)).as("%s reads back identical", url).isEqualTo(-1L);
    }

    /** 300 KiB of random bytes with the marker in every 64 KiB segment. */
    private static Path markedFile(Path file, int seed) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int written = 0; written < 300 * 1024; written += block.length) {
                random.nextBytes(block);
                System.arraycopy(MARKER, 0, block, 100, MARKER.length);
                out.write(block, 0, Math.min(block.length, 300 * 1024 - written));
            }
        }
        return file;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
