package io.vaultgate.server.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.report.WorkProgress;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.https.tls.ServerTls;
import io.vaultgate.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate doctor}'s {@code keystore-copy} check on a scale-out with two copies of the keystore: node A rotates
 * (in an emergency), disables and shreds, node B's copy stays behind until A's file is copied over it. The check on B
 * names each tenant, the versions B's copy lacks or holds in a weaker state, and the fix, without the master secret;
 * on A, and on B once its copy is current, it finds nothing. Runs on SQLite and, with
 * {@code -Dvaultgate.test.catalog=postgresql}, on PostgreSQL.
 */
class KeystoreCopyCheckTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");

    @TempDir
    Path home;
    private TestCore nodeA;
    private Path keystoreA;
    private Path keystoreB;

    @BeforeEach
    void twoKeystoreCopies() throws IOException {
        nodeA = TestCore.create(home);
        nodeA.client("acme", "alice", Protocol.SFTP);
        nodeA.client("globex", "bob", Protocol.SFTP);
        keystoreA = home.resolve("kek.p12");
        keystoreB = Files.createDirectory(home.resolve("node-b")).resolve("kek.p12");
        Files.copy(keystoreA, keystoreB, StandardCopyOption.COPY_ATTRIBUTES);
    }

    @AfterEach
    void close() {
        nodeA.close();
    }

    @Test
    void copiesInStep_areNoFinding() {
        assertThat(check(keystoreA)).isEmpty();
        assertThat(check(keystoreB)).isEmpty();
    }

    @Test
    void aCopyBehindTheRotationDisableAndShredOfAnotherNode_isAFindingPerTenant_untilItIsCopied() throws IOException {
        nodeA.core().keyRotation().emergencyRotate(ACME, WorkProgress.NONE);
        nodeA.core().keyRotation().disable(ACME, 1);
        nodeA.core().tenantShredding().shred(GLOBEX, "contract ended", "admin");

        assertThat(check(keystoreB)).satisfiesExactly(acme -> {
            assertThat(acme.check()).isEqualTo("keystore-copy");
            assertThat(acme.subject()).isEqualTo("tenant acme");
            assertThat(acme.problem()).isEqualTo("this node's keystore node-b/kek.p12 is behind the catalog: it lacks "
                    + "KEK version 2 (the catalog's active version is 2, this keystore's newest is 1): the tenant's "
                    + "uploads, and downloads of files under those versions, fail on this node (503) until it has "
                    + "them; KEK version 1 disabled in the catalog is still enabled in it");
            assertThat(acme.fix()).startsWith("copy node-b/kek.p12 from the node that made the change to this node")
                    .endsWith("a restart of its gateway finishes it, or run it again there: "
                            + "`vaultgate keys disable --tenant acme --kek-version 1`");
        }, globex -> {
            assertThat(globex.subject()).isEqualTo("tenant globex");
            assertThat(globex.problem()).isEqualTo("the tenant was shredded on another node (the catalog records its "
                    + "KEK versions destroyed), but this node's keystore node-b/kek.p12 still holds KEK version 1");
        });
        assertThat(Doctor.examine(context(keystoreB))).as("a check `vaultgate doctor` runs")
                .filteredOn(finding -> finding.check().equals("keystore-copy")).hasSize(2);
        assertThat(check(keystoreA)).as("the node that made the changes").isEmpty();

        Files.copy(keystoreA, keystoreB, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        assertThat(check(keystoreB)).isEmpty();
    }

    @Test
    void aCopyLackingATenantCreatedElsewhere_isAFinding() {
        nodeA.client("initech", "carol", Protocol.SFTP);

        assertThat(check(keystoreB)).singleElement().satisfies(finding -> {
            assertThat(finding.subject()).isEqualTo("tenant initech");
            assertThat(finding.problem()).contains("it lacks KEK version 1 (the catalog's active version is 1, this "
                    + "keystore has none of the tenant)");
        });
    }

    /** The crash window of a rotation: this node's keystore was written, the catalog's transaction never committed. */
    @Test
    void aVersionTheCopyHoldsButTheCatalogDoesNotRecord_isAFinding_untilTheNodeRecordsIt() {
        nodeA.keys().rotate("acme");

        assertThat(check(keystoreA)).singleElement().satisfies(finding -> {
            assertThat(finding.subject()).isEqualTo("tenant acme");
            assertThat(finding.problem()).isEqualTo("this node's keystore kek.p12 holds KEK version 2 the catalog does "
                    + "not record (its active version is 1): a rotation on this node wrote the keystore but was not "
                    + "recorded (it failed, or the node stopped); if another node rotates the tenant first, it makes a "
                    + "different key under the same number, which this node then refuses to use");
            assertThat(finding.fix()).startsWith("before anyone rotates the tenant elsewhere, record it from this "
                    + "node: upload a file of the tenant through it, or run `vaultgate keys rotate --tenant acme` on it; "
                    + "then copy kek.p12 to every node");
        });
        assertThat(check(keystoreB)).as("the other node's copy is not behind the catalog").isEmpty();

        nodeA.upload(nodeA.client("acme", "dave", Protocol.SFTP), "/inbox/a.csv", "records version 2");
        assertThat(check(keystoreA)).isEmpty();
    }

    private List<Finding> check(Path keystore) {
        return new KeystoreCopyCheck().run(context(keystore));
    }

    private DoctorContext context(Path keystore) {
        return new DoctorContext(ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString(),
                "keys.keystore", keystore.toString())), nodeA.database(), Clock.systemUTC(),
                path -> new DiskSpace.Usage("fs0", 50, 100), 10, List.of(), ServerTls.PROTOCOLS,
                ServerTls.CIPHER_SUITES);
    }
}
