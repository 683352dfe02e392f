package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.SqliteQueryPlans;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tenant's key slots are read by KEK in the index {@code key_slots_by_kek} (kek_tenant, kek_version, provider,
 * file_id; migration V30): before it, {@code key_slots} had only its primary key (file_id), and every query of a
 * tenant's slots read every tenant's (review L7). The proof of a tenant's key ({@link TenantKeyProof}) reads a few
 * slots of a version in file id order, with no sort; the counts of a tenant's wrapped keys (all of them, or under a
 * version, as the rotation counts them) read a range of the index only. Checked on SQLite's plan.
 */
class KeySlotsByKekQueryPlanTest {

    private static final String INDEX = "key_slots_by_kek";

    @RegisterExtension
    final SqliteQueryPlans sqlite = new SqliteQueryPlans();

    @Test
    void theProofsSlotsOfAVersion_areOneRangeOfTheIndex_readInOrder() {
        List<String> plan = sqlite.plan(KekVersionRepository.SLOTS, "acme", 1, "keystore", TenantKeyProof.TRIED);

        assertThat(plan).anyMatch(step -> step.startsWith("SEARCH key_slots USING INDEX " + INDEX
                + " (kek_tenant=? AND kek_version=? AND provider=?)"));
        assertThat(plan).noneMatch(step -> step.contains("TEMP B-TREE"));
    }

    @Test
    void theCountsOfATenantsWrappedKeys_readARangeOfTheIndex() {
        List<List<String>> plans = List.of(
                sqlite.plan(KekVersionRepository.WRAPPED_KEYS, "acme"),
                sqlite.plan("SELECT COUNT(*) FROM key_slots WHERE kek_tenant = ? AND kek_version < ?", "acme", 3),
                sqlite.plan("SELECT COUNT(*) FROM key_slots WHERE kek_tenant = ? AND kek_version = ?", "acme", 1));

        for (List<String> plan : plans) {
            assertThat(plan).anyMatch(step -> step.matches("SEARCH key_slots USING COVERING INDEX " + INDEX
                    + " \\(kek_tenant=\\?.*\\)")).noneMatch(step -> step.startsWith("SCAN key_slots"));
        }
    }

    /**
     * Review22c L2: what the proof reads on every retry of a refused upload is bounded: its count of the tenant's data
     * keys reads the first entries of the tenant's range only (its LIMIT), and "behind" seeks version by version (the
     * next version that wraps a slot; a slot of the provider under one) where it read every slot's version.
     */
    @Test
    void theRefusalsCountAndItsSeeksOfVersions_readTheIndex_withoutASortOrAScan() {
        List<List<String>> plans = List.of(
                sqlite.plan(KekVersionRepository.WRAPPED_KEYS_UP_TO, "acme", TenantKeyProof.COUNTED + 1),
                sqlite.plan(KekVersionRepository.NEXT_SLOT_VERSION, "acme", 1),
                sqlite.plan(KekVersionRepository.ANY_SLOT, "acme", 1, "keystore"));

        for (List<String> plan : plans) {
            assertThat(plan).anyMatch(step -> step.matches("SEARCH key_slots USING COVERING INDEX " + INDEX
                    + " \\(kek_tenant=\\?.*\\)")).noneMatch(step -> step.startsWith("SCAN key_slots"))
                    .noneMatch(step -> step.contains("TEMP B-TREE"));
        }
    }
}
