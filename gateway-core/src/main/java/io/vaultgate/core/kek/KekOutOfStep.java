package io.vaultgate.core.kek;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenants (and gateway KEKs, {@code vaultgate.mfa}) whose keys this node currently knows to be out of step with
 * the catalog's record, by reason: found behind ({@value KekRefusals#BEHIND}) or forked ({@value KekRefusals#FORKED})
 * by the start-up check or by a refusal since, and not seen in step since. Exported as the gauge {@value #METER}
 * ({@code vaultgate_kek_versions_out_of_step{reason}}), at 0 from the core's assembly, which the alert
 * {@code VaultgateKeystoreOutOfStep} reads: a finding of the start-up check, made before the node's first scrape, is
 * its value at every scrape until it ends, where a counter's increment before the first scrape is no step at all. The
 * gauge counts distinct tenants per reason.
 *
 * <p>Each finding names the version it is about: a behind one the catalog's version this node lacked (its active
 * version then), a forked one the version whose key here is not the catalog's. A finding ends only where this node
 * verifies that version, or a newer one for behind, as every request does ({@link #inStep}): a wrap, rotation or
 * rewrap, or an unwrap whose key check holds (the keystore was copied, the token fixed); a check of another version
 * ends nothing (an upload's check of the active version leaves an old forked version refused by downloads, and a
 * check that read the catalog before another node's rotation leaves the refusal that rotation caused), and when the
 * tenant is shredded ({@link #gone}: here, or on another node, which the maintenance pass notices,
 * {@link KekCatalog#forgetShredded}) all end. A tenant found out of step and not used since stays until the node
 * restarts (its start-up check then finds its active version in step or not): the gauge errs towards the alert.
 */
final class KekOutOfStep {

    /** The gauge, exported as {@code vaultgate_kek_versions_out_of_step}. */
    static final String METER = "vaultgate.kek.versions.out.of.step";

    /** A reason a tenant is out of step here, and the KEK version it is about. */
    record Finding(String reason, int version) {
    }

    /** Tenant (KEK) id to its findings not ended since; a tenant with none has no entry. */
    private final Map<String, Set<Finding>> found = new ConcurrentHashMap<>();

    /** Registers one gauge per reason in {@code registry}, at 0. */
    KekOutOfStep(MeterRegistry registry) {
        for (String reason : List.of(KekRefusals.BEHIND, KekRefusals.FORKED)) {
            Gauge.builder(METER, this, outOfStep -> outOfStep.count(reason))
                    .description("tenants whose key-encryption key this node found out of step with the catalog's "
                            + "record (at start-up or refusing a request) and has not verified in step since")
                    .tag("reason", reason).strongReference(true).register(registry);
        }
    }

    /**
     * {@code kekTenant} was found out of step for {@code reason}, the refusal's, about {@code version}: for behind the
     * catalog's version this node lacks, for forked the version whose key here is not the catalog's.
     */
    void found(String kekTenant, int version, String reason) {
        found.compute(kekTenant, (tenant, findings) -> {
            Set<Finding> more = findings == null ? new HashSet<>() : new HashSet<>(findings);
            more.add(new Finding(reason, version));
            return Set.copyOf(more);
        });
    }

    /**
     * This node verified {@code kekTenant}'s key of {@code verifiedVersion} against the catalog: ends a behind finding
     * about that version or an older one, and a forked finding about that version; no other.
     */
    void inStep(String kekTenant, int verifiedVersion) {
        found.computeIfPresent(kekTenant, (tenant, findings) -> {
            Set<Finding> left = new HashSet<>();
            for (Finding finding : findings) {
                boolean ended = KekRefusals.BEHIND.equals(finding.reason()) ? verifiedVersion >= finding.version()
                        : verifiedVersion == finding.version();
                if (!ended) {
                    left.add(finding);
                }
            }
            return left.isEmpty() ? null : Set.copyOf(left);
        });
    }

    /** The tenant's keys are gone (shredded): every finding of it ends. */
    void gone(String kekTenant) {
        found.remove(kekTenant);
    }

    /** The tenants (KEK ids) with a finding not ended. */
    Set<String> tenants() {
        return Set.copyOf(found.keySet());
    }

    /** How many tenants are out of step here for {@code reason}. */
    int count(String reason) {
        return (int) found.values().stream()
                .filter(findings -> findings.stream().anyMatch(finding -> reason.equals(finding.reason()))).count();
    }
}
