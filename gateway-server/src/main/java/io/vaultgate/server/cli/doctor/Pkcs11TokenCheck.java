package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.core.kek.KekVersions;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.server.KeyProviders;
import io.vaultgate.server.StartupException;
import io.vaultgate.server.config.KeyProviderType;
import io.vaultgate.server.config.KeysConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * With {@code keys.provider: pkcs11}: the token can be reached and logged in to with the configured PIN (as the
 * gateway does at start-up), it holds every KEK version the catalog records, and its keys of them are the catalog's
 * (their key checks unwrap: one token operation per checked version). A token that lacks them, or holds other keys
 * under their numbers, is another token than the one the gateway wrapped with: a wrong {@code keys.pkcs11.slot}, a
 * re-initialized or restored HSM. Reads the PIN, like the gateway; nothing is changed in the token or the catalog. No
 * finding with the keystore provider.
 */
final class Pkcs11TokenCheck implements Check {

    static final String NAME = "pkcs11-token";

    private final Map<String, String> env;

    /** @param env where the PIN variable ({@code keys.pkcs11.pin-env}) is looked up */
    Pkcs11TokenCheck(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public List<Finding> run(DoctorContext context) {
        if (context.config().keys().provider() != KeyProviderType.PKCS11) {
            return List.of();
        }
        KeysConfig.Pkcs11 token = context.config().keys().pkcs11();
        String subject = token.selection() + " of " + token.library();
        List<Finding> findings = new ArrayList<>();
        try (KeyProvider keys = KeyProviders.openToken(context.config(), env)) {
            for (Map.Entry<String, KekVersions> entry : KekCatalog.recorded(context.database()).entrySet()) {
                KekVersions recorded = entry.getValue();
                if (recorded.destroyed()) {
                    continue;
                }
                List<Integer> held = keys.versions(entry.getKey());
                List<Integer> missing = recorded.states().keySet().stream().filter(v -> !held.contains(v)).sorted()
                        .toList();
                if (!missing.isEmpty()) {
                    findings.add(new Finding(NAME, subject, "the token lacks KEK version" + (missing.size() == 1
                            ? " " : "s ") + numbers(missing)
                            + " of " + entry.getKey() + " that the catalog records: files wrapped with "
                            + (missing.size() == 1 ? "it" : "them") + " cannot be read through this token",
                            "check that keys.pkcs11.token-label (or slot) names the token the gateway has always "
                                    + "used (not a re-initialized one); restore the HSM's keys from its own backup"));
                }
                List<Integer> forked = recorded.forkedIn(keys);
                if (!forked.isEmpty()) {
                    findings.add(new Finding(NAME, subject, "the token holds other keys than the catalog's under KEK "
                            + "version" + (forked.size() == 1 ? " " : "s ") + numbers(forked) + " of " + entry.getKey()
                            + " (their key checks fail): the gateway refuses to wrap or unwrap with "
                            + (forked.size() == 1 ? "it" : "them") + " (keystore_forked)",
                            "check that keys.pkcs11.token-label (or slot) names the token the gateway has always used; "
                                    + "restore the "
                                    + "HSM's keys from its own backup"));
                }
            }
        } catch (StartupException e) {
            findings.add(new Finding(NAME, subject, "the gateway cannot log in to the token: " + e.getMessage(),
                    "fix what it names; until then `vaultgate run` and every key command refuse to start"));
        }
        return findings;
    }

    private static String numbers(List<Integer> versions) {
        return versions.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
