package io.vaultgate.core.kek;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenants (and gateway KEKs, {@code vaultgate.mfa}) whose keys this node currently knows to be out of step with
 * the catalog's record, by reason: found behind ({@value KekRefusals#BEHIND}) or forked ({@value KekRefusals#FORKED})
 * by the start-up check or by a refusal since, and not seen in step since. Exported as the gauge {@value #METER}
 * ({@code vaultgate_kek_versions_out_of_step{reason}}), at 0 from the core's assembly, which the alert
 * {@code VaultgateKeystoreOutOfStep} reads: a finding of the start-up check, made before the node's first scrape, is
 * its value at every scrape until it ends, where a counter's increment before the first scrape is no step at all.
 *
 * <p>A tenant leaves it where this node verifies its key again as every request does: a wrap, rotation or rewrap with
 * the tenant's active version, or an unwrap with it whose key check holds (the keystore was copied, the token fixed),
 * and when the tenant is shredded. A tenant found out of step and not used since stays until the node restarts (its
 * start-up check then finds it in step or not): the gauge errs towards the alert.
 */
final class KekOutOfStep {

    /** The gauge, exported as {@code vaultgate_kek_versions_out_of_step}. */
    static final String METER = "vaultgate.kek.versions.out.of.step";

    /** Tenant (KEK) id to the reason it was last found out of step. */
    private final Map<String, String> found = new ConcurrentHashMap<>();

    /** Registers one gauge per reason in {@code registry}, at 0. */
    KekOutOfStep(MeterRegistry registry) {
        for (String reason : List.of(KekRefusals.BEHIND, KekRefusals.FORKED)) {
            Gauge.builder(METER, this, outOfStep -> outOfStep.count(reason))
                    .description("tenants whose key-encryption key this node found out of step with the catalog's "
                            + "record (at start-up or refusing a request) and has not verified in step since")
                    .tag("reason", reason).strongReference(true).register(registry);
        }
    }

    /** {@code kekTenant} was found out of step for {@code reason}, the refusal's. */
    void found(String kekTenant, String reason) {
        found.put(kekTenant, reason);
    }

    /** This node verified {@code kekTenant}'s active version against the catalog, or the tenant's keys are gone. */
    void inStep(String kekTenant) {
        found.remove(kekTenant);
    }

    /** How many tenants are out of step here for {@code reason}. */
    int count(String reason) {
        return (int) found.values().stream().filter(reason::equals).count();
    }
}
