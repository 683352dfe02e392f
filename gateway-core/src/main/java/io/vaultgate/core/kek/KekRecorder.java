package io.vaultgate.core.kek;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Completes the catalog's record of a KEK ({@code kek_versions}) with what this node holds and the record lacks: the
 * versions (a catalog from before V24, a change whose recording failed), and the key check of the active version (a
 * row from before V28). Never replaces what the record holds: another node's check that came first is the one this
 * node's key is compared with. In the caller's transaction, under the tenant's row lock.
 */
final class KekRecorder {

    private final KeyProvider keys;
    private final KekChecks checks;
    private final TenantKeyProof proof;
    private final Clock clock;
    private final LateRecords late;
    private final KekVersionRepository versions = new KekVersionRepository();

    KekRecorder(KeyProvider keys, KekChecks checks, TenantKeyProof proof, Clock clock, LateRecords late) {
        this.keys = keys;
        this.checks = checks;
        this.proof = proof;
        this.clock = clock;
        this.late = late;
    }

    /**
     * The record, completed with what this node's keystore holds and the catalog lacked. Where it records no version
     * of the tenant, only once this node's key has opened the tenant's stored data keys ({@link TenantKeyProof}); if
     * it does not, nothing is recorded and {@code refusal} of the mismatch is thrown. Each version recorded late, or
     * recorded disabled late, gets its audit record in the same transaction ({@link LateRecords}).
     */
    KekVersions completed(Jdbc jdbc, KekVersions recorded, Function<TenantKeyMismatch, GatewayException> refusal)
            throws SQLException {
        Map<Integer, KekVersionState> news = recorded.newIn(KekVersions.heldBy(keys, recorded.kekTenant()));
        if (news.isEmpty()) {
            return recorded;
        }
        if (recorded.states().isEmpty()) {
            proof.beforeRecording(jdbc, recorded.kekTenant(), refusal);
        }
        versions.record(jdbc, recorded.kekTenant(), news, clock.millis());
        late.audit(jdbc, recorded, news);
        return versions.find(jdbc, recorded.kekTenant());
    }

    /**
     * Whether this node's key of {@code version} may wrap: false when the catalog's key check of it fails here (a
     * fork). When the catalog has no check of it (recorded before V28, by an older node, or just now) and it is this
     * node's active version, records this node's: from then on every node's key of it is compared with this one.
     */
    boolean checked(Jdbc jdbc, KekVersions recorded, int version) throws SQLException {
        if (version < 1) {
            return true;
        }
        KekId kek = new KekId(recorded.kekTenant(), version);
        String check = recorded.check(version);
        if (check == null && !fillCheck(jdbc, kek)) { // another node's check came first: compare with it
            check = versions.find(jdbc, recorded.kekTenant()).check(version);
        }
        return checks.verify(kek, check) != KekChecks.Verdict.FORKED;
    }

    /** Records this node's key check of {@code kek}, its active version, where the catalog has none; false if not. */
    boolean fillCheck(Jdbc jdbc, KekId kek) throws SQLException {
        Optional<String> check = checks.ofActive(kek);
        return check.isPresent() && versions.fillCheck(jdbc, kek.tenantId(), kek.version(), check.get());
    }
}
