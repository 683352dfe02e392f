package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.core.kek.KekVersionState;
import io.vaultgate.core.kek.KekVersions;
import io.vaultgate.crypto.keystore.KeystoreInventory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * This node's copy of the keystore ({@code keys/kek.p12}) against the catalog's record of every tenant's KEK versions
 * ({@code kek_versions}): on a scale-out with the keystore provider, a key change made on another node (a rotation,
 * an emergency rotation, a disabled version, a shred) is in this copy only once the file is copied here. Until then
 * the gateway fails closed at the tenant's first upload or download on this node; this check names the tenant, the
 * versions this copy lacks or holds in a weaker state, and the fix beforehand. It reads the catalog and the names of
 * the keystore's entries only, without the master secret ({@link KeystoreInventory}).
 *
 * <p>A version this copy holds and the catalog lacks is a finding too: a rotation on this node wrote the keystore but
 * was not recorded (its transaction failed, or the node stopped before it committed). It is harmless while no other
 * node rotates the tenant (this node's next upload or rotation of the tenant records it, with its key check), and a
 * fork if one does first: then two keys carry one version number, and this node refuses its own ({@code
 * keystore_forked}). Whether this copy's key of a recorded version is the catalog's (its key check) takes the master
 * secret, which this check does not read: the gateway verifies it before every wrap and unwrap.
 */
final class KeystoreCopyCheck implements Check {

    static final String NAME = "keystore-copy";

    @Override
    public List<Finding> run(DoctorContext context) {
        Path file = context.config().keystoreFile();
        KeystoreInventory here = KeystoreInventory.read(file);
        String fix = "copy " + context.show(file) + " from the node that made the change to this node (copy it beside "
                + "the old one, mode 0600, then rename it over it; a running gateway reads it at its next use): "
                + "docs/scale-out.md, Keys";
        List<Finding> findings = new ArrayList<>();
        for (Map.Entry<String, KekVersions> entry : KekCatalog.recorded(context.database()).entrySet()) {
            String tenant = entry.getKey();
            KekVersions recorded = entry.getValue();
            if (here.destroyed(tenant)) {
                continue; // shredded here too: nothing is left to be behind
            }
            List<Integer> held = here.versions(tenant);
            if (recorded.destroyed()) {
                if (!held.isEmpty()) {
                    findings.add(new Finding(NAME, "tenant " + tenant, "the tenant was shredded on another node (the "
                            + "catalog records its KEK versions destroyed), but this node's keystore "
                            + context.show(file) + " still holds " + versions(held), fix));
                }
                continue;
            }
            List<Integer> missing = recorded.states().keySet().stream().filter(v -> !held.contains(v)).sorted()
                    .toList();
            List<Integer> stillEnabled = recorded.states().entrySet().stream()
                    .filter(e -> e.getValue() == KekVersionState.DISABLED && held.contains(e.getKey())
                            && !here.disabledVersions(tenant).contains(e.getKey()))
                    .map(Map.Entry::getKey).sorted().toList();
            List<Integer> unrecorded = held.stream().filter(v -> !recorded.states().containsKey(v)).sorted().toList();
            if (!unrecorded.isEmpty()) {
                findings.add(new Finding(NAME, "tenant " + tenant, "this node's keystore " + context.show(file)
                        + " holds " + versions(unrecorded) + " the catalog does not record (its active version is "
                        + recorded.active() + "): a rotation on this node wrote the keystore but was not recorded (it "
                        + "failed, or the node stopped); if another node rotates the tenant first, it makes a "
                        + "different key under the same number, which this node then refuses to use",
                        "before anyone rotates the tenant elsewhere, record it from this node: upload a file of the "
                        + "tenant through it, or run `vaultgate keys rotate --tenant " + tenant + "` on it; then copy "
                        + context.show(file) + " to every node. If another node rotated the tenant since, copy that "
                        + "node's keystore here instead: docs/scale-out.md, Keys"));
            }
            List<String> problems = new ArrayList<>();
            if (!missing.isEmpty()) {
                int newestHere = held.stream().mapToInt(Integer::intValue).max().orElse(0);
                problems.add("it lacks " + versions(missing) + " (the catalog's active version is "
                        + recorded.active() + ", " + (newestHere == 0 ? "this keystore has none of the tenant"
                        : "this keystore's newest is " + newestHere) + "): the tenant's uploads, and downloads of "
                        + "files under those versions, fail on this node (503) until it has them");
            }
            if (!stillEnabled.isEmpty()) {
                problems.add(versions(stillEnabled) + " disabled in the catalog "
                        + (stillEnabled.size() == 1 ? "is" : "are") + " still enabled in it");
            }
            if (!problems.isEmpty()) {
                findings.add(new Finding(NAME, "tenant " + tenant, "this node's keystore " + context.show(file)
                        + " is behind the catalog: " + String.join("; ", problems),
                        stillEnabled.isEmpty() ? fix : fix + "; on the node whose `keys disable` stopped between "
                        + "the catalog and its keystore, a restart of its gateway finishes it, or run it again there: "
                        + stillEnabled.stream()
                        .map(v -> "`vaultgate keys disable --tenant " + tenant + " --kek-version " + v + "`")
                        .collect(Collectors.joining(", "))));
            }
        }
        return findings;
    }

    private static String versions(List<Integer> versions) {
        return (versions.size() == 1 ? "KEK version " : "KEK versions ")
                + versions.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
