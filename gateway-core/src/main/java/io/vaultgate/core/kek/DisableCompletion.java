package io.vaultgate.core.kek;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At a node's start ({@link KekStartupCheck}): disables in this node's key store each KEK version the catalog records
 * {@code DISABLED} and the store still holds enabled. That is what {@code vaultgate keys disable} leaves when cut off
 * between its two steps ({@code KeyRotation#disable}: the catalog's record with its {@code key.operation DISABLE}
 * record in one transaction, then the key store), and what it leaves on every other node whose keystore copy holds the
 * version. From the catalog's commit every node refuses to unwrap with the version ({@link KekCatalog#requireUsable});
 * this finishes the command's second step, so {@code vaultgate doctor} finds the node in step without the command
 * being run again.
 *
 * <p>It makes no decision of its own: the decision and its audit record committed together, so, as the command run
 * again, it appends no second record; it logs one INFO line per version it disables. Idempotent, and safe for nodes
 * starting at once on one catalog: each version is disabled under its tenant's row lock, with the record read again
 * under it, and a version the store finds disabled already (another node sharing an HSM token or the keystore file
 * came first, or the command run beside the node) is left as it is. Left enabled, and refused as before: a version
 * that is this node's active one (its store is behind the catalog, which the start-up check reports), the versions of
 * a tenant recorded destroyed, and a version whose write fails (the store is read-only, the token refuses): logged as
 * a WARN naming the version and the command that finishes it, and listed in the outcome.
 */
final class DisableCompletion {

    private static final Logger LOG = LoggerFactory.getLogger(DisableCompletion.class);

    /** What one run did: the versions it disabled in this node's store, and those whose check or write failed. */
    record Outcome(List<KekId> disabled, List<KekId> failed) {
        Outcome {
            disabled = List.copyOf(disabled);
            failed = List.copyOf(failed);
        }
    }

    private final Database database;
    private final KeyProvider keys;
    private final NodeKeys node;
    private final KeyRemedy remedy;
    private final KekVersionRepository versions = new KekVersionRepository();

    DisableCompletion(Database database, KeyProvider keys, NodeKeys node, KeyRemedy remedy) {
        this.database = database;
        this.keys = keys;
        this.node = node;
        this.remedy = remedy;
    }

    /** Completes every version found; stops early, with what it did, once {@code stopped} (the core is closing). */
    Outcome run(BooleanSupplier stopped) {
        List<KekId> disabled = new ArrayList<>();
        List<KekId> failed = new ArrayList<>();
        for (KekId kek : disabledThere()) {
            if (stopped.getAsBoolean()) {
                break;
            }
            try {
                if (!enabledHere(kek)) {
                    continue;
                }
            } catch (RuntimeException e) {
                // one unreadable version or tenant does not end the start-up check for the others (review32 L4)
                failed.add(kek);
                LOG.warn("KEK {} is recorded disabled in the catalog; this node's {} could not be read to see "
                        + "whether it still holds it enabled: {}; every node refuses it meanwhile", kek,
                        remedy.store(), e.toString());
                continue;
            }
            try {
                if (complete(kek)) {
                    disabled.add(kek);
                    LOG.info("KEK {} disabled in this node's {} at start: the catalog records it disabled (a "
                            + "`vaultgate keys disable` cut off before its {} write, or run on another node); its "
                            + "DISABLE record is the command's", kek, remedy.store(), remedy.store());
                }
            } catch (RuntimeException e) {
                failed.add(kek);
                LOG.warn("KEK {} is recorded disabled in the catalog and still enabled in this node's {}, which could "
                        + "not disable it at start: {}; every node refuses it meanwhile; run `vaultgate keys disable "
                        + "--tenant {} --kek-version {}` on this node", kek, remedy.store(), e.toString(),
                        kek.tenantId(), kek.version());
            }
        }
        return new Outcome(disabled, failed);
    }

    /** The versions the catalog records disabled, of tenants not destroyed. */
    private List<KekId> disabledThere() {
        Map<String, KekVersions> recorded = database.read(versions::all);
        List<KekId> found = new ArrayList<>();
        for (KekVersions tenant : recorded.values()) {
            if (tenant.destroyed()) {
                continue;
            }
            tenant.states().forEach((version, state) -> {
                if (state == KekVersionState.DISABLED) {
                    found.add(new KekId(tenant.kekTenant(), version));
                }
            });
        }
        found.sort(Comparator.comparing(KekId::tenantId).thenComparingInt(KekId::version));
        return found;
    }

    private boolean enabledHere(KekId kek) {
        return keys.versions(kek.tenantId()).contains(kek.version())
                && !keys.disabledVersions(kek.tenantId()).contains(kek.version());
    }

    /**
     * Disables {@code kek} in this node's store under its tenant's row lock, where the catalog still records it
     * disabled and the tenant not destroyed, and it is not this node's active version; false where it changed nothing.
     */
    private boolean complete(KekId kek) {
        return database.inTransaction(jdbc -> {
            versions.lock(jdbc, kek.tenantId());
            KekVersions recorded = versions.find(jdbc, kek.tenantId());
            if (recorded.destroyed() || recorded.states().get(kek.version()) != KekVersionState.DISABLED
                    || kek.version() >= node.active(kek.tenantId())) {
                return false; // shredded since; or the store is behind, the check's finding: it cannot disable it
            }
            try {
                keys.disable(kek);
                return true;
            } catch (CryptoException.KeyNotFound done) {
                return false; // disabled meanwhile by whoever shares this store: another node, the command
            }
        });
    }
}
