package io.vaultgate.server.config;

import static io.vaultgate.server.config.ConfigFixtures.loadYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keys.provider: pkcs11}: what it needs is checked at load, each error naming the key; no PIN in the file. */
class Pkcs11KeysConfigTest {
    @TempDir
    Path dir;

    private ConfigException fromYaml(String yaml) {
        return catchThrowableOfType(ConfigException.class, () -> loadYaml(dir, yaml));
    }

    @Test
    void pkcs11WithModuleAndSlot_loads_withThePinLookedUpOutsideTheFile() {
        VaultgateConfig config = loadYaml(dir, "home: " + dir + "\nkeys:\n  provider: pkcs11\n  pkcs11:\n"
                + "    library: /usr/lib/softhsm/libsofthsm2.so\n    slot: 385663214\n");

        assertThat(config.keys().provider()).isEqualTo(KeyProviderType.PKCS11);
        assertThat(config.keys().pkcs11().slot()).isEqualTo(385663214L);
        assertThat(config.keys().pkcs11().pinEnv()).isEqualTo("VAULTGATE_PKCS11_PIN");
        assertThat(config.pkcs11PinFile()).isEqualTo(dir.resolve("secrets/pkcs11.pin"));
        assertThat(config.describe()).contains("keys=pkcs11 /usr/lib/softhsm/libsofthsm2.so slot 385663214 (PIN from "
                + "$VAULTGATE_PKCS11_PIN or " + dir.resolve("secrets/pkcs11.pin") + ")");
    }

    @Test
    void pkcs11WithoutModule_namesTheLibraryKey() {
        assertThat(fromYaml("keys:\n  provider: pkcs11\n  pkcs11:\n    slot: 0\n")).hasMessageStartingWith(
                "keys.pkcs11.library: no PKCS#11 module given, but keys.provider is pkcs11; give the absolute path");
    }

    @Test
    void pkcs11WithoutTokenLabelOrSlot_namesBothKeys() {
        assertThat(fromYaml("keys:\n  provider: pkcs11\n  pkcs11:\n    library: /usr/lib/softhsm/libsofthsm2.so\n"))
                .hasMessageStartingWith("keys.pkcs11.token-label: no token given, but keys.provider is pkcs11; give "
                        + "the token's label as keys.pkcs11.token-label (or its slot id as keys.pkcs11.slot)");
    }

    @Test
    void pkcs11WithATokenLabel_loads_withoutASlot_andDescribesTheToken() {
        VaultgateConfig config = loadYaml(dir, "home: " + dir + "\nkeys:\n  provider: pkcs11\n  pkcs11:\n"
                + "    library: /usr/lib/softhsm/libsofthsm2.so\n    token-label: vaultgate\n"
                + "    token-serial: 9dfc879e18f048f1\n");

        assertThat(config.keys().pkcs11().tokenLabel()).isEqualTo("vaultgate");
        assertThat(config.keys().pkcs11().slot()).isEqualTo(-1L);
        assertThat(config.keys().pkcs11().tokenSerial()).isEqualTo("9dfc879e18f048f1");
        assertThat(config.describe()).contains("keys=pkcs11 /usr/lib/softhsm/libsofthsm2.so token 'vaultgate' serial "
                + "'9dfc879e18f048f1' (PIN from");
    }

    @Test
    void aTokenLabelAndASlotTogether_areRefused_naming_exactlyOne() {
        assertThat(fromYaml("keys:\n  provider: pkcs11\n  pkcs11:\n    library: /usr/lib/softhsm/libsofthsm2.so\n"
                + "    token-label: vaultgate\n    slot: 385663214\n")).hasMessageStartingWith(
                "keys.pkcs11.slot: both keys.pkcs11.token-label and keys.pkcs11.slot are given; exactly one of them "
                        + "selects the token; keep keys.pkcs11.token-label");
    }

    @Test
    void aTokenLabelOrSerialTooLong_orWithBlanksAtItsEnds_isRefusedNamingItsKey() {
        assertThat(fromYaml("keys:\n  pkcs11:\n    token-label: \"" + "x".repeat(33) + "\"\n"))
                .hasMessageStartingWith("keys.pkcs11.token-label: not a token label");
        assertThat(fromYaml("keys:\n  pkcs11:\n    token-label: \" vaultgate\"\n"))
                .hasMessageStartingWith("keys.pkcs11.token-label: not a token label");
        assertThat(fromYaml("keys:\n  pkcs11:\n    token-serial: \"" + "1".repeat(17) + "\"\n"))
                .hasMessageStartingWith("keys.pkcs11.token-serial: not a token serial number");
    }

    @Test
    void relativeModulePath_negativeSlot_andBadPinVariable_areRefusedNamingTheirKeys() {
        assertThat(fromYaml("keys:\n  pkcs11:\n    library: lib/softhsm2.so\n")).hasMessageStartingWith(
                "keys.pkcs11.library: not an absolute path \"lib/softhsm2.so\"; give the absolute path");
        assertThat(fromYaml("keys:\n  pkcs11:\n    slot: -2\n")).hasMessageStartingWith(
                "keys.pkcs11.slot: expected a slot id of 0 or more (or -1 for none), got -2");
        assertThat(fromYaml("keys:\n  pkcs11:\n    pin-env: 12345678\n")).hasMessageStartingWith(
                "keys.pkcs11.pin-env: not an environment variable name \"12345678\"");
    }

    @Test
    void noKeyTakesThePinItself() {
        assertThat(fromYaml("keys:\n  pkcs11:\n    pin: 87654321\n")).hasMessageStartingWith(
                "keys.pkcs11.pin: unknown key");
    }

    @Test
    void pinVariable_isNotReportedAsAnUnusedVariable() {
        Map<String, String> env = Map.of("VAULTGATE_PKCS11_PIN", "87654321", "VAULTGATE_PKCS11_PINN", "x");

        assertThat(ConfigLoader.unusedEnvironment(env, ConfigLoader.load(Optional.empty(), env,
                Map.of("home", dir.toString())))).containsExactly("VAULTGATE_PKCS11_PINN");
    }

    @Test
    void keystoreProvider_ignoresTheUnsetPkcs11Section() {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", dir.toString())).keys().provider())
                .isEqualTo(KeyProviderType.KEYSTORE);
    }
}
