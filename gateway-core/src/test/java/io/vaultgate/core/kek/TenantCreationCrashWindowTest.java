package io.vaultgate.core.kek;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.admin.NewTenant;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.DelegatingKeyProvider;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash window of a tenant's creation, as {@link RotationCrashWindowTest} has it for a rotation: node A writes
 * version 1 of the new tenant's KEK to its keystore, then stops before the catalog records it (here: its key provider
 * throws right after writing). The catalog must then record neither the tenant nor a version 1, so that the creation
 * run again converges: on A it adopts the key A holds; on node B (its keystore a copy of A's from before) it makes
 * and records B's own, and A refuses its different version 1 as forked until it has B's keystore. A tenant an older
 * gateway left without a recorded key (its row committed before the key was made) is completed by creating it again
 * on a node that holds its key, refused on one that does not (with a new key only when asked for, and nothing stored).
 * Runs on SQLite and, with {@code -Dvaultgate.test.catalog=postgresql}, with every node on one PostgreSQL database.
 */
class TenantCreationCrashWindowTest {

    private static final TenantId ACME = TenantId.of("acme");
    /** The length of a key slot {@link FindsShortSlotsUnparseable} cannot parse. */
    private static final int UNPARSEABLE = 7;

    @TempDir
    Path home;
    private TestCore nodeA;
    private TestCore nodeB;
    private TestCore stoppingA;

    @BeforeEach
    void twoNodesWithTheirOwnKeystores() {
        nodeA = TestCore.create(home);
        nodeA.client("other", "olga", Protocol.SFTP); // A's keystore exists and holds a tenant before B copies it
        nodeB = nodeA.secondNode();
        // node A again (its keystore file, the catalog), stopping right after its keystore made a tenant's key
        stoppingA = TestCore.sharing(home, StopsAfterWritingTheKeystore::new,
                new GatewayCore.Settings(Duration.ofHours(24), 64).withNode(NodeSettings.of("node-a-stopping")));
    }

    @AfterEach
    void close() {
        for (TestCore node : new TestCore[] {stoppingA, nodeB, nodeA}) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void aCreationStoppedAfterTheKeystoreWasWritten_recordsNothing_andRetriedOnNodeB_nodeARefusesItsOwnVersion1()
            throws IOException {
        creationStopsOnA();

        Tenant created = nodeB.core().administration().createTenant(ACME, "Acme", false);

        assertThat(created.id()).isEqualTo(ACME);
        assertThat(recorded()).containsExactly(1);
        assertThat(checked()).as("recorded with B's key check").containsExactly(1);
        ClientPrincipal alice = nodeB.client("acme", "alice", Protocol.SFTP);
        nodeB.upload(alice, "/inbox/by-b.csv", "wrapped by B's version 1");
        assertThatThrownBy(() -> nodeA.upload(alice, "/inbox/by-a.csv", "refused"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                    assertThat(e.getCause()).isInstanceOf(KeystoreForked.class);
                    assertThat(e.getMessage()).contains("another key under KEK version 1 of tenant acme");
                });
        assertThatThrownBy(() -> nodeA.read(alice, "/inbox/by-b.csv")).hasCauseInstanceOf(KeystoreForked.class);

        nodeB.copyKeystoreTo(nodeA);
        assertThat(nodeA.read(alice, "/inbox/by-b.csv")).isEqualTo("wrapped by B's version 1");
        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by B's version 1 on A");
        assertThat(nodeB.read(alice, "/inbox/by-a.csv")).isEqualTo("wrapped by B's version 1 on A");
    }

    @Test
    void aCreationStoppedAfterTheKeystoreWasWritten_retriedOnTheSameNode_adoptsTheKeyItHolds() throws IOException {
        creationStopsOnA();
        KekId held = nodeA.keys().active("acme");

        nodeA.core().administration().createTenant(ACME, "Acme", false);

        assertThat(nodeA.keys().active("acme")).as("no second key made").isEqualTo(held);
        assertThat(nodeA.keys().versions("acme")).containsExactly(1);
        assertThat(checked()).containsExactly(1);
        ClientPrincipal alice = nodeA.client("acme", "alice", Protocol.SFTP);
        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by A's version 1");
        assertThatThrownBy(() -> nodeB.upload(alice, "/inbox/by-b.csv", "refused"))
                .hasCauseInstanceOf(KeystoreBehindCatalog.class);
        nodeA.copyKeystoreTo(nodeB);
        assertThat(nodeB.read(alice, "/inbox/by-a.csv")).isEqualTo("wrapped by A's version 1");
    }

    /**
     * What a gateway before this one left when it stopped between the creation's transaction and its key: the tenant
     * recorded, no KEK version of it, node A's keystore holding its key. Creating it again on A completes it with A's
     * key (the one A served the tenant with); on node B, whose keystore holds no key of it, it is refused, naming the
     * cause and the fix, and B makes no key (review L5: B made a new version 1, and A was refused as forked).
     */
    @Test
    void aTenantLeftWithoutARecordedKeyByAnOlderGateway_isCompletedOnTheNodeHoldingItsKey_andRefusedElsewhere()
            throws IOException {
        nodeA.core().administration().createTenant(ACME, "Acme as first created", false);
        KekId keyOfA = nodeA.keys().active("acme");
        forgetRecordedVersions();

        Throwable onB = catchThrowable(() -> tenantAdd(nodeB, false));

        assertThat(onB).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
            assertThat(e.getCause()).isInstanceOfSatisfying(TenantKeyElsewhere.class,
                    cause -> assertThat(cause.wrappedKeys()).isZero());
            assertThat(e.clientMessage()).contains("tenant acme exists without a recorded KEK version",
                    "this node's keystore holds no key of it", "run `vaultgate tenant add acme` on a node that holds "
                            + "the tenant's key", "or copy that node's keys/kek.p12 to this node first", "--new-key");
        });
        assertThat(nodeB.keys().versions("acme")).as("B made no key").isEmpty();
        assertThat(recorded()).as("nothing recorded").isEmpty();

        Tenant completed = tenantAdd(nodeA, false);

        assertThat(completed.name()).as("the tenant as first recorded").isEqualTo("Acme as first created");
        assertThat(nodeA.keys().active("acme")).as("A's key, no second one").isEqualTo(keyOfA);
        assertThat(recorded()).containsExactly(1);
        assertThat(checked()).containsExactly(1);
        ClientPrincipal alice = nodeA.client("acme", "alice", Protocol.SFTP);
        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by A's version 1");
        assertThatThrownBy(() -> nodeB.upload(alice, "/inbox/by-b.csv", "refused"))
                .hasCauseInstanceOf(KeystoreBehindCatalog.class);
        nodeA.copyKeystoreTo(nodeB);
        assertThat(nodeB.read(alice, "/inbox/by-a.csv")).isEqualTo("wrapped by A's version 1");
        long completions = nodeA.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE "
                + "event LIKE '%completing its interrupted creation%'"));
        assertThat(completions).as("audited").isEqualTo(1L);
    }

    /**
     * A tenant left without a recorded key whose files are stored (written by a node of an older gateway after the
     * V24 migration): a new key would leave them unreadable, so a node lacking the key refuses even when asked for a
     * new one.
     */
    @Test
    void aTenantLeftWithoutARecordedKey_withFilesStored_isNeverGivenANewKey() {
        ClientPrincipal alice = nodeA.client("acme", "alice", Protocol.SFTP);
        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by A's version 1");
        forgetRecordedVersions();

        for (boolean newKey : new boolean[] {false, true}) {
            assertThatThrownBy(() -> tenantAdd(nodeB, newKey))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                        assertThat(e.getCause()).isInstanceOfSatisfying(TenantKeyElsewhere.class,
                                cause -> assertThat(cause.wrappedKeys()).isEqualTo(1L));
                        assertThat(e.clientMessage()).contains("1 data key(s) of its files are wrapped with that key",
                                "would leave them unreadable", "run `vaultgate tenant add acme` on a node that holds");
                    });
        }
        assertThat(nodeB.keys().versions("acme")).isEmpty();
        assertThat(recorded()).isEmpty();
    }

    /**
     * A tenant whose creation by an older gateway stopped before any node made its key: nothing of it can have been
     * stored. Refused like any tenant whose key this node lacks, unless the administrator asks for a new key
     * ({@code tenant add --new-key}); then its version 1 is made here, and audited as such.
     */
    @Test
    void aTenantWhoseKeyNoNodeMade_isCompletedWithANewKey_onlyWhenAskedFor() {
        nodeA.database().inTransaction(jdbc -> {
            new io.vaultgate.core.catalog.TenantRepository().insert(jdbc,
                    Tenant.create(ACME, "Acme as first created", java.time.Instant.now()));
            return null;
        });

        assertThatThrownBy(() -> tenantAdd(nodeB, false))
                .hasCauseInstanceOf(TenantKeyElsewhere.class);
        assertThat(nodeB.keys().versions("acme")).isEmpty();

        Tenant completed = tenantAdd(nodeB, true);

        assertThat(completed.name()).isEqualTo("Acme as first created");
        assertThat(nodeB.keys().versions("acme")).containsExactly(1);
        assertThat(recorded()).containsExactly(1);
        assertThat(checked()).containsExactly(1);
        ClientPrincipal alice = nodeB.client("acme", "alice", Protocol.SFTP);
        nodeB.upload(alice, "/inbox/by-b.csv", "wrapped by B's version 1");
        long newKeys = nodeA.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE "
                + "event LIKE '%a new key: no node held one%'"));
        assertThat(newKeys).as("audited as a new key").isEqualTo(1L);
        assertThatThrownBy(() -> tenantAdd(nodeB, true))
                .as("completed: refused as existing").hasMessageContaining("tenant acme already exists");
    }

    /**
     * The completion records every version the node holds and its audit event names them all (review20a L2: it said
     * "version 1" whatever it recorded).
     */
    @Test
    void aCompletionRecordingSeveralVersions_isAuditedOnce_namingEachOfThem() {
        nodeA.core().administration().createTenant(ACME, "Acme", false);
        nodeA.core().keyRotation().rotate(ACME, false);
        nodeA.core().keyRotation().rotate(ACME, false);
        forgetRecordedVersions();

        tenantAdd(nodeA, false);

        assertThat(recorded()).containsExactly(1, 2, 3);
        assertThat(completionsAudited()).singleElement().asString()
                .contains("acme KEK versions 1, 2, 3 recorded, completing its interrupted creation (this node's key)")
                .doesNotContain("version 1 recorded");
    }

    /**
     * {@code tenant add --new-key} whose node stops after its keystore made the new key: nothing is recorded, nor
     * audited. Run again, the node holds that key and records it (no second key): its one audit record still states
     * what the administrator stated, and that this run made no key (review20a L2: the statement was lost).
     */
    @Test
    void aNewKeyCompletionStoppedAfterTheKeystoreWasWritten_retried_isAuditedOnce_withTheAdministratorsStatement() {
        nodeA.database().inTransaction(jdbc -> {
            new io.vaultgate.core.catalog.TenantRepository().insert(jdbc,
                    Tenant.create(ACME, "Acme as first created", java.time.Instant.now()));
            return null;
        });
        assertThatThrownBy(() -> tenantAdd(stoppingA, true))
                .hasStackTraceContaining("injected: the node stops");
        assertThat(nodeA.keys().versions("acme")).as("the new key was written").containsExactly(1);
        assertThat(recorded()).isEmpty();
        assertThat(completionsAudited()).isEmpty();
        KekId made = nodeA.keys().active("acme");

        tenantAdd(nodeA, true);

        assertThat(nodeA.keys().active("acme")).as("no second key").isEqualTo(made);
        assertThat(recorded()).containsExactly(1);
        assertThat(completionsAudited()).singleElement().asString().contains("acme KEK version 1 recorded, "
                + "completing its interrupted creation (this node's key: the administrator stated that no node held "
                + "a key of it (--new-key), but this node's keys held one, made by the tenant's creation or by an "
                + "earlier attempt here, and it is recorded; no key was made by this run)");
        assertThatThrownBy(() -> tenantAdd(nodeA, true))
                .hasMessageContaining("tenant acme already exists");
        assertThat(completionsAudited()).as("a run refused as existing audits nothing").hasSize(1);
    }

    /**
     * A node holding another key under the tenant's alias (its own version 1, made while the tenant's key was on node
     * A) is refused the completion while the tenant's files are stored: their key slot does not open with its key
     * (review20a L3: it recorded its key, and A, whose key wrapped the files, was then refused as forked). Nothing is
     * recorded or audited, with or without {@code --new-key}; node A's key opens the slot and completes it.
     */
    @Test
    void aNodeHoldingAnotherKeyUnderTheTenantsAlias_isRefusedTheCompletion_andRecordsNothing() throws IOException {
        ClientPrincipal alice = nodeA.client("acme", "alice", Protocol.SFTP);
        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by A's version 1");
        forgetRecordedVersions();
        KekId otherKey = nodeB.keys().ensureTenant("acme");

        for (boolean newKey : new boolean[] {false, true}) {
            assertThatThrownBy(() -> tenantAdd(nodeB, newKey))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                        assertThat(e.getCause()).isInstanceOfSatisfying(TenantKeyMismatch.class, cause -> {
                            assertThat(cause.tenant()).isEqualTo("acme");
                            assertThat(cause.version()).isEqualTo(1);
                            assertThat(cause.wrappedKeys()).isEqualTo(1L);
                        });
                        assertThat(e.clientMessage()).contains("another key of tenant acme than the one its files "
                                + "were wrapped with", "1 data key(s) of its files are stored", "nothing was recorded",
                                "Run `vaultgate tenant add acme` on a node that holds the tenant's key",
                                "copy that node's keys/kek.p12 to this node first");
                    });
        }
        assertThat(recorded()).as("nothing recorded").isEmpty();
        assertThat(completionsAudited()).as("nor audited").isEmpty();
        assertThat(nodeB.keys().versions("acme")).as("B's keys unchanged").containsExactly(1);
        assertThat(nodeB.keys().active("acme")).isEqualTo(otherKey);

        tenantAdd(nodeA, false);

        assertThat(recorded()).containsExactly(1);
        assertThat(completionsAudited()).hasSize(1);
        assertThat(nodeA.read(alice, "/inbox/by-a.csv")).isEqualTo("wrapped by A's version 1");
        assertThatThrownBy(() -> nodeB.read(alice, "/inbox/by-a.csv")).hasCauseInstanceOf(KeystoreForked.class);
    }

    /** A node holding none of the versions the tenant's files are wrapped with cannot show its key is the tenant's. */
    @Test
    void aNodeHoldingNoVersionTheTenantsFilesAreWrappedWith_isRefusedTheCompletion() {
        ClientPrincipal alice = nodeA.client("acme", "alice", Protocol.SFTP);
        nodeA.core().keyRotation().rotate(ACME, false);
        nodeA.upload(alice, "/inbox/by-a.csv", "wrapped by A's version 2");
        forgetRecordedVersions();
        nodeB.keys().ensureTenant("acme");

        assertThatThrownBy(() -> tenantAdd(nodeB, false))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.getCause()).isInstanceOfSatisfying(TenantKeyMismatch.class,
                            cause -> assertThat(cause.version()).isZero());
                    assertThat(e.clientMessage()).contains("holds no KEK version of tenant acme that its files' key "
                            + "slots are wrapped with");
                });
        assertThat(recorded()).isEmpty();
    }

    /**
     * A damaged key slot (not base64, of no wrapped key's length, unparseable to the provider) is one the node's key
     * does not open, and the next is tried (review21 L6: it aborted the completion with a generic error): the node
     * holding the tenant's key completes it where one slot of the version opens.
     */
    @Test
    void damagedKeySlots_doNotRefuseTheNodeHoldingTheTenantsKey_theNextSlotIsTried() {
        threeFilesUnrecorded_theFirstTwoSlotsDamaged();

        try (TestCore parsingA = nodeAFindingShortSlotsUnparseable()) {
            tenantAdd(parsingA, false);
        }

        assertThat(recorded()).containsExactly(1);
        assertThat(completionsAudited()).hasSize(1);
    }

    /** Where every slot tried is damaged, nothing shows the node's key is the tenant's: refused, nothing recorded. */
    @Test
    void aNodeWhoseTriedKeySlotsAreAllDamaged_isRefusedTheCompletion_andRecordsNothing() {
        List<String> files = threeFilesUnrecorded_theFirstTwoSlotsDamaged();
        damage(files.get(2), Base64.getEncoder().encodeToString(new byte[KeySlot.MAX_WRAPPED_LENGTH + 1]));

        try (TestCore parsingA = nodeAFindingShortSlotsUnparseable()) {
            assertThatThrownBy(() -> tenantAdd(parsingA, false))
                    .isInstanceOfSatisfying(GatewayException.class, e -> {
                        assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                        assertThat(e.getCause()).isInstanceOfSatisfying(TenantKeyMismatch.class, cause -> {
                            assertThat(cause.version()).isEqualTo(1);
                            assertThat(cause.wrappedKeys()).isEqualTo(3L);
                        });
                    });
        }
        assertThat(recorded()).as("nothing recorded").isEmpty();
        assertThat(completionsAudited()).as("nor audited").isEmpty();
    }

    @Test
    void aCompletedCreation_isRefusedOnEveryNode_andNoOtherNodeMakesAKey() {
        nodeA.core().administration().createTenant(ACME, "Acme", false);

        assertThatThrownBy(() -> nodeB.core().administration().createTenant(ACME, "Acme", false))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getMessage()).contains("tenant acme already exists");
                });
        assertThat(nodeB.keys().versions("acme")).isEmpty();
        assertThat(recorded()).containsExactly(1);
    }

    /**
     * What {@code vaultgate tenant add acme} (with {@code --new-key} where {@code newKey}) asks, stating no name or
     * password login: a completion keeps the recorded ones.
     */
    private static Tenant tenantAdd(TestCore node, boolean newKey) {
        return node.core().administration().addTenant(NewTenant.of(ACME).withNewKey(newKey)).tenant();
    }

    /** Node A's creation of acme writes A's keystore, then A stops before its catalog transaction commits. */
    private void creationStopsOnA() {
        assertThatThrownBy(() -> stoppingA.core().administration().createTenant(ACME, "Acme", false))
                .hasStackTraceContaining("injected: the node stops");
        assertThat(nodeA.keys().versions("acme")).as("A's keystore was written").containsExactly(1);
        assertThat(nodeA.core().administration().tenant(ACME)).as("the catalog records neither the tenant")
                .isEmpty();
        assertThat(recorded()).as("nor its version 1").isEmpty();
    }

    /** What a gateway before V24 (or before the creation's one transaction) left: no KEK version of acme recorded. */
    private void forgetRecordedVersions() {
        nodeA.database().inTransaction(jdbc -> jdbc.update("DELETE FROM kek_versions WHERE kek_tenant = 'acme'"));
    }

    private List<Integer> recorded() {
        return nodeA.database().read(jdbc -> jdbc.query("SELECT version FROM kek_versions WHERE kek_tenant = 'acme' "
                + "ORDER BY version", row -> row.getInt(1)));
    }

    /** The audit events of completions of acme's creation. */
    private List<String> completionsAudited() {
        return nodeA.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE event LIKE "
                + "'%completing its interrupted creation%'", row -> row.getString(1)));
    }

    private List<Integer> checked() {
        return nodeA.database().read(jdbc -> jdbc.query("SELECT version FROM kek_versions WHERE kek_tenant = 'acme' "
                + "AND kek_check IS NOT NULL ORDER BY version", row -> row.getInt(1)));
    }

    /** The files of acme's key slots, in file id order (the order {@link TenantKeyProof} tries them). */
    /**
     * Three files of acme wrapped by A's version 1, its recorded versions forgotten, and the key slots of the first two
     * damaged: one not base64, one unparseable to the provider; returns the files in the order the proof tries them.
     */
    private List<String> threeFilesUnrecorded_theFirstTwoSlotsDamaged() {
        ClientPrincipal alice = nodeA.client("acme", "alice", Protocol.SFTP);
        for (String name : List.of("one", "two", "three")) {
            nodeA.upload(alice, "/inbox/" + name + ".csv", "wrapped by A's version 1");
        }
        forgetRecordedVersions();
        List<String> files = slotFiles();
        damage(files.get(0), "%%% not base64 %%%");
        damage(files.get(1), Base64.getEncoder().encodeToString(new byte[UNPARSEABLE]));
        return files;
    }

    private List<String> slotFiles() {
        return nodeA.database().read(jdbc -> jdbc.query("SELECT file_id FROM key_slots WHERE kek_tenant = 'acme' "
                + "ORDER BY file_id", row -> row.getString(1)));
    }

    /** Overwrites the stored key slot of {@code fileId} with {@code wrapped}. */
    private void damage(String fileId, String wrapped) {
        nodeA.database().inTransaction(jdbc -> jdbc.update("UPDATE key_slots SET wrapped = ? WHERE file_id = ?",
                wrapped, fileId));
    }

    /** Node A again (its keystore file, the catalog), its provider finding a slot of 7 bytes unparseable. */
    private TestCore nodeAFindingShortSlotsUnparseable() {
        return TestCore.sharing(home, FindsShortSlotsUnparseable::new,
                new GatewayCore.Settings(Duration.ofHours(24), 64).withNode(NodeSettings.of("node-a-parsing")));
    }

    /** A key provider to which a slot of {@value #UNPARSEABLE} bytes is too damaged to parse (as a token's may be). */
    private static final class FindsShortSlotsUnparseable extends DelegatingKeyProvider {

        FindsShortSlotsUnparseable(KeyProvider keys) {
            super(keys);
        }

        @Override
        public DataKey unwrap(EnvelopeContext ctx, KeySlot slot) {
            if (slot.wrapped().length == UNPARSEABLE) {
                throw new CryptoException.UnsupportedFormat("injected: a key slot too damaged to parse");
            }
            return super.unwrap(ctx, slot);
        }
    }

    /** A key provider whose node stops right after its keystore made a tenant's first key. */
    private static final class StopsAfterWritingTheKeystore extends DelegatingKeyProvider {

        StopsAfterWritingTheKeystore(KeyProvider keys) {
            super(keys);
        }

        @Override
        public KekId ensureTenant(String tenantId) {
            KekId made = super.ensureTenant(tenantId);
            throw new IllegalStateException("injected: the node stops after its keystore made " + made);
        }
    }
}
