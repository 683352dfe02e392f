package io.vaultgate.server.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keys.pkcs11.token-label} on real SoftHSM2 tokens, two in one token directory, every step a process of its
 * own as operators run them: the gateway finds its token by label after the other token is deleted and made again
 * (a slot id that moves), and refuses to start where the label or serial number does not single out the configured
 * token (a token re-initialised in place under the same label, without the serial number configured; a slot
 * holding another token than the serial number names); with the serial number, the label and it single B out.
 */
class Pkcs11TokenSelectionIT {

    private static final String PIN = "pin-3e8a61d2";

    @TempDir
    Path dir;

    @Test
    void theTokenSelectedByLabel_isFoundWhenAnotherTokensSlotMoves_andAnotherTokenIsRefused() throws Exception {
        SoftHsmToken hsm = SoftHsmToken.create(dir.resolve("hsm"), "vaultgate-a", PIN);
        long slotB = hsm.addToken("vaultgate-b", PIN);
        String serialB = hsm.serial(slotB);
        Path home = dir.resolve("home");
        Map<String, String> env = new HashMap<>(hsm.environment());
        env.put("VAULTGATE_PKCS11_PIN", PIN);
        Map<String, String> byLabel = Map.of("keys.provider", "pkcs11", "keys.pkcs11.library",
                hsm.library().toString(), "keys.pkcs11.token-label", "vaultgate-b", "keys.pkcs11.token-serial",
                serialB);

        GatewayCli.seedHostKeys(home, env, byLabel);
        GatewayCli.runAll(home, env, byLabel, List.of(List.of("init"), List.of("tenant", "add", "acme", "--name",
                "Acme")));

        // token A deleted and made again: another slot id, and SoftHSM2's slot list changes around B
        hsm.deleteToken("vaultgate-a");
        long slotA = hsm.addToken("vaultgate-a", PIN);
        assertThat(slotA).isNotEqualTo(hsm.slot());
        assertThat(GatewayCli.run(home, env, byLabel, 0, "keys", "rotate", "--tenant", "acme"))
                .as("acme's key is on B, found by its label").contains("now encrypts new files under acme/v2");

        // A initialized again in place under B's label: the label no longer singles out one token
        hsm.reinitialize(slotA, "vaultgate-b", PIN);
        Map<String, String> labelOnly = new HashMap<>(byLabel);
        labelOnly.put("keys.pkcs11.token-serial", "");
        assertThat(GatewayCli.run(home, env, labelOnly, 2, "keys", "rotate", "--tenant", "acme"))
                .contains("2 tokens are labelled 'vaultgate-b'").contains("slot " + slotA).contains("slot " + slotB)
                .contains("keys.pkcs11.token-label").doesNotContain(PIN);
        // the serial number still singles B out
        assertThat(GatewayCli.run(home, env, byLabel, 0, "keys", "rotate", "--tenant", "acme"))
                .contains("now encrypts new files under acme/v3");

        // by slot: A's slot, with B's serial number configured, is another token than the configured one
        Map<String, String> bySlot = Map.of("keys.provider", "pkcs11", "keys.pkcs11.library",
                hsm.library().toString(), "keys.pkcs11.slot", String.valueOf(slotA), "keys.pkcs11.token-serial",
                serialB);
        assertThat(GatewayCli.run(home, env, bySlot, 2, "keys", "rotate", "--tenant", "acme"))
                .contains("keys.pkcs11 (module " + hsm.library() + ", slot " + slotA + " serial '" + serialB + "')")
                .contains("is not the configured one: its serial number is not '" + serialB + "'")
                .contains("select the token the gateway has always used").doesNotContain(PIN);
        // and B's own slot opens
        Map<String, String> bSlot = new HashMap<>(bySlot);
        bSlot.put("keys.pkcs11.slot", String.valueOf(slotB));
        assertThat(GatewayCli.run(home, env, bSlot, 0, "keys", "rotate", "--tenant", "acme"))
                .contains("now encrypts new files under acme/v4");
    }
}
