package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * The out-of-step gauge ({@code vaultgate_kek_versions_out_of_step{reason}}, {@link KekOutOfStep}) ends a finding only
 * where this node verifies the version it is about (review21 M2): a check of another version of the same tenant, or
 * one that read the catalog before another node's rotation, leaves it, so {@code VaultgateKeystoreOutOfStep} does not
 * resolve while the node still refuses the tenant. Calls the refusals in the order the requests make them.
 */
class KekOutOfStepTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final KekRefusals refusals = new KekRefusals(registry);

    @Test
    void anUploadCheckingTheActiveVersionLeavesAnOldForkedVersionThatDownloadsStillRefuse() {
        // the token was repaired by importing v3, its forked v2 object left: a download of a v2-wrapped file
        refusals.forked("acme", 2);
        assertThat(outOfStep(KekRefusals.FORKED)).isEqualTo(1.0);

        refusals.inStep("acme", 3); // the next upload verifies v3, the active version

        assertThat(outOfStep(KekRefusals.FORKED)).as("v2 downloads are still refused as forked").isEqualTo(1.0);
        refusals.inStep("acme", 2); // a v2 download whose key check holds (the v2 key was fixed)
        assertThat(outOfStep(KekRefusals.FORKED)).isZero();
    }

    @Test
    void aCheckThatReadTheCatalogBeforeAnotherNodesRotationLeavesTheBehindFindingThatRotationCaused() {
        // thread 1 read v1 active and verified v1; node B then recorded v2; thread 2's upload is refused as behind
        refusals.behind("acme", 2, 1);
        assertThat(outOfStep(KekRefusals.BEHIND)).isEqualTo(1.0);

        refusals.inStep("acme", 1); // thread 1 ends its check

        assertThat(outOfStep(KekRefusals.BEHIND)).as("this node still lacks v2").isEqualTo(1.0);
        refusals.inStep("acme", 2); // the keystore was copied: an upload verifies v2
        assertThat(outOfStep(KekRefusals.BEHIND)).isZero();
    }

    @Test
    void aBehindFindingEndsAtAnyNewerVersion_aForkedOneOnlyAtItsOwn_andTheGaugeCountsTenants() {
        refusals.behind("acme", 2, 1);
        refusals.behind("acme", 3, 1);
        refusals.forked("acme", 2);
        refusals.forked("acme", 4);
        refusals.forked("beta", 1);
        assertThat(outOfStep(KekRefusals.BEHIND)).as("one tenant, two findings").isEqualTo(1.0);
        assertThat(outOfStep(KekRefusals.FORKED)).as("acme and beta").isEqualTo(2.0);

        refusals.inStep("acme", 3);
        assertThat(outOfStep(KekRefusals.BEHIND)).as("v3 verified here: neither v2 nor v3 is lacking").isZero();
        assertThat(outOfStep(KekRefusals.FORKED)).as("acme's v2 and v4 stay forked").isEqualTo(2.0);
        refusals.inStep("acme", 2);
        assertThat(outOfStep(KekRefusals.FORKED)).as("acme's v4 stays forked").isEqualTo(2.0);
        refusals.inStep("acme", 4);
        assertThat(outOfStep(KekRefusals.FORKED)).as("beta").isEqualTo(1.0);

        refusals.behind("beta", 2, 1);
        refusals.gone("beta"); // shredded
        assertThat(outOfStep(KekRefusals.FORKED) + outOfStep(KekRefusals.BEHIND)).isZero();
    }

    private double outOfStep(String reason) {
        return registry.get(KekOutOfStep.METER).tag("reason", reason).gauge().value();
    }
}
