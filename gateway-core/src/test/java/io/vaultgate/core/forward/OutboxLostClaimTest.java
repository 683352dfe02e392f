package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claims commit without a flush, so a crash of the catalog (PostgreSQL with {@code synchronous_commit} off, SQLite
 * with {@code synchronous=NORMAL} on a power loss) can lose one while its worker, on node X, goes on sending. The job
 * is then claimed again by node Y. X's outcome must not settle Y's lease: with versions counted up, Y's claim got the
 * very version X holds, and X's permanent failure made DEAD a job Y was delivering (concurrency review, LOW).
 */
class OutboxLostClaimTest {

    @TempDir
    Path home;
    private TestCore test;
    private Outbox outbox;

    @BeforeEach
    void oneDueJob() {
        test = TestCore.create(home);
        ClientPrincipal client = test.client("acme", "acme-upload", Protocol.HTTPS);
        test.operator("manila", "maria", Protocol.SFTP); // creates the site
        outbox = new Outbox(test.database(), RetryPolicy.defaults(), new SecureRandom());
        test.database().inTransaction(jdbc -> jdbc.update("INSERT INTO forward_jobs (id, file_id, tenant_id, site_id, "
                + "state, next_attempt_at, created_at, updated_at) VALUES ('fw_1', 'f_1', ?, 'manila', 'PENDING', 0, "
                + "0, 0)", client.tenant().value()));
    }

    @AfterEach
    void close() {
        test.close();
    }

    @Test
    void aClaimLostInACrash_isNeverHandedOutAgain_soTheFirstWorkersOutcomeCannotSettleTheSecondsLease() {
        Instant now = Instant.now();
        ForwardJob onX = outbox.claim("manila", "node-x", 1, Duration.ofMinutes(5), now).get(0);
        loseTheClaim();

        List<ForwardJob> onY = outbox.claim("manila", "node-y", 1, Duration.ofMinutes(5), now.plusSeconds(1));
        assertThat(onY).singleElement().satisfies(job -> assertThat(job.version()).isNotEqualTo(onX.version()));

        assertThat(outbox.fail(onX, "the site refused node X's request", true, now.plusSeconds(2)))
                .as("node X's permanent failure changes nothing").isEmpty();
        assertThat(outbox.complete(onY.get(0), Optional.empty(), now.plusSeconds(3)))
                .as("node Y's delivery is recorded").isTrue();
        assertThat(outbox.find("fw_1")).hasValueSatisfying(job -> assertThat(job.state())
                .isEqualTo(ForwardState.DELIVERED));
    }

    /** The row as before the claim: its commit never reached the disk. */
    private void loseTheClaim() {
        test.database().inTransaction(jdbc -> jdbc.update("UPDATE forward_jobs SET state = 'PENDING', version = 0, "
                + "attempts = 0, lease_owner = NULL, lease_expires_at = NULL WHERE id = 'fw_1'"));
    }
}
