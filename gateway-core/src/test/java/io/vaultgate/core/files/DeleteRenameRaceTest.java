package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.HeldLocks;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client's delete of a path while its other session renames the file there away (PostgreSQL, READ COMMITTED): the
 * delete takes the tenant's name lock first, as a rename does, so it waits for the rename and finds nothing at the
 * path; the renamed file stays.
 */
class DeleteRenameRaceTest {

    @TempDir
    Path home;
    private TestCore test;

    @BeforeEach
    void setUp() {
        Assumptions.assumeTrue(TestCatalog.postgresql(), "row-lock interleavings: PostgreSQL only");
        test = TestCore.create(home);
    }

    @AfterEach
    void tearDown() {
        if (test != null) {
            test.close();
        }
    }

    @Test
    void deleteOfAPath_racingARenameOfItsFileAway_leavesTheRenamedFile() throws Exception {
        ClientPrincipal client = test.client("globex", "globex-upload", Protocol.SFTP);
        test.upload(client, "/inbox/p.csv", "p");
        String id = test.database().read(jdbc -> jdbc.query("SELECT id FROM files WHERE path = '/inbox/p.csv' "
                + "AND tenant_id = 'globex'", row -> row.getString(1))).get(0);

        Future<Object> delete = HeldLocks.whileHeld(test.database(), jdbc -> {
            // the rename's statements (CatalogFileService.rename), held uncommitted
            jdbc.query("SELECT id FROM tenants WHERE id = 'globex' FOR NO KEY UPDATE", row -> row.getString(1));
            jdbc.update("UPDATE files SET path = '/inbox/q.csv' WHERE id = ?", id);
        }, () -> {
            test.core().files().delete(client, PathPolicy.parse("/inbox/p.csv"));
            return "deleted";
        });

        assertThatThrownBy(() -> delete.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(GatewayException.class,
                        refused -> assertThat(refused.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThat(test.read(client, "/inbox/q.csv")).isEqualTo("p");
    }
}
