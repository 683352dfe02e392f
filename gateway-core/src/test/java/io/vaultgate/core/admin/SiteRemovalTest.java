package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.Race;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Removing a BPO site: only once nothing is left for it, then its operators go and nothing reaches it again. */
class SiteRemovalTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko";

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal client;
    private OperatorPrincipal maria;
    private String fingerprint;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        client = test.client("acme", "acme-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        fingerprint = test.core().sites().addOperatorSshKey("maria", KEY).fingerprint();
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void aSiteATenantStillRoutesTo_isKept_andTheRefusalNamesTheRoute() {
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"),
                10, 0, Duration.ZERO);

        assertRefused(() -> removal().removeSite("manila", "contract ended", "cli:test"), Reason.CONFLICT,
                "route " + route.id() + " of tenant acme");
        assertThat(offboarding().operators(Optional.of("manila"))).as("nothing was changed").hasSize(1);
    }

    @Test
    void aSiteWithABatchNotCompleted_isKept_untilItsOperatorCompletesIt() {
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"),
                1, 0, Duration.ZERO);
        upload("/inbox/a.csv");
        test.core().sites().removeRoute(client.tenant(), route.id());

        assertRefused(() -> removal().removeSite("manila", "contract ended", "cli:test"), Reason.CONFLICT,
                "1 batch(es) not completed");
        String batch = test.core().batches().available(maria).get(0).id();
        test.core().batches().claim(maria, batch);
        test.core().batches().complete(maria, batch);

        assertThat(removal().removeSite("manila", "contract ended", "cli:test").operatorsRemoved())
                .containsExactly("maria");
    }

    @Test
    void aSiteWithAForwardNotDelivered_isKept_untilItIsSettled() {
        Route route = test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PUSH, PathPolicy.parse("/inbox"),
                0, 0, Duration.ZERO);
        upload("/inbox/a.csv");
        test.core().sites().removeRoute(client.tenant(), route.id());

        assertRefused(() -> removal().removeSite("manila", "contract ended", "cli:test"), Reason.CONFLICT,
                "1 forward(s) not delivered");
        ForwardJob job = test.core().forwarding().outbox().claim("manila", "test-node", 10, Duration.ofMinutes(1),
                Instant.now()).get(0);
        test.core().forwarding().outbox().complete(job, Optional.empty(), Instant.now());

        assertThat(removal().removeSite("manila", "contract ended", "cli:test").siteId()).isEqualTo("manila");
    }

    @Test
    void aRemovedSite_losesItsOperators_takesNoRouteOrOperator_andItsIdIsNeverReused() {
        SiteRemoval.RemovedSite removed = removal().removeSite("manila", "contract ended", "cli:test");

        assertThat(removed.operatorsRemoved()).containsExactly("maria");
        assertThat(test.core().authenticator().byPublicKey("maria", fingerprint, Protocol.SFTP, "127.0.0.1"))
                .isInstanceOf(AuthResult.Failure.class);
        assertRefused(() -> test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PULL,
                PathPolicy.parse("/inbox"), 1, 0, Duration.ZERO), Reason.NOT_FOUND, "site manila does not exist");
        assertRefused(() -> test.core().sites().createOperator("manila", "marco"), Reason.NOT_FOUND,
                "site manila does not exist");
        assertRefused(() -> test.core().sites().createSite("manila", "Manila again"), Reason.CONFLICT,
                "never given to another");
        assertRefused(() -> removal().removeSite("manila", "twice", "cli:test"), Reason.NOT_FOUND,
                "site manila does not exist");
        List<String> subjects = test.database().read(jdbc -> jdbc.query(
                "SELECT event FROM audit_events WHERE kind = 'admin.change' ORDER BY seq", row -> row.getString(1)));
        assertThat(subjects).anyMatch(event -> event.contains("manila removed: contract ended"))
                .anyMatch(event -> event.contains("operator maria of manila: site manila removed: contract ended"));
    }

    /** On PostgreSQL both run at once; the site row's lock makes one see the other's outcome, never neither. */
    @Test
    void aRouteAddedWhileItsSiteIsRemoved_eitherRefusesTheRemoval_orIsRefused() throws Exception {
        for (int i = 0; i < 20; i++) {
            String site = "race-" + i;
            test.core().sites().createSite(site, site);

            Race.Outcome outcome = Race.run(() -> test.core().sites().addRoute(client.tenant(), site, RouteMode.PULL,
                    PathPolicy.parse("/inbox"), 1, 0, Duration.ZERO),
                    () -> removal().removeSite(site, "race", "cli:test"));

            assertThat(outcome.exactlyOne()).as("adding a route to %s, removing it: %s", site, outcome).isTrue();
        }
    }

    private SiteRemoval removal() {
        return test.core().incidents().siteRemoval();
    }

    private Offboarding offboarding() {
        return test.core().incidents().offboarding();
    }

    private void upload(String path) {
        try (Upload upload = test.core().ingest().open(client, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            upload.commit();
        }
    }

    private static void assertRefused(ThrowingCallable call, Reason reason, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
