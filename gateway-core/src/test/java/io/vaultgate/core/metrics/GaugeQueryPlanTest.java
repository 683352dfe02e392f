package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.SqliteQueryPlans;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The catalog gauges are re-read every 10 s while Prometheus scrapes, from tables that only grow (the audit log,
 * delivered forwards, completed batches): each of their queries reads an index range or a covering index, never
 * the table's every row. Checked on SQLite's query plan, since a timing would prove nothing on a shared machine.
 */
class GaugeQueryPlanTest {

    @RegisterExtension
    final SqliteQueryPlans sqlite = new SqliteQueryPlans();

    @Test
    void keyAge_readsOnlyTheKeyOperationsOfTheAuditLog() {
        assertThat(sqlite.plan(KeyAndCertificateGauges.ROTATE_QUERY))
                .anyMatch(step -> step.startsWith("SEARCH audit_events USING INDEX audit_events_by_kind (kind=?"));
    }

    @Test
    void forwardQueue_readsOnlyTheUndeliveredJobs() {
        assertThat(sqlite.plan(ForwardQueueGauges.QUEUE_QUERY))
                .anyMatch(step -> step.startsWith("SEARCH forward_jobs USING INDEX forward_jobs_by_state (state=?)"));
    }

    @Test
    void clientCertificates_readTheIndexOfExpiries_notTheTable() {
        assertThat(sqlite.plan(ClientCertificateGauges.QUERY))
                .contains("SCAN account_certificates USING COVERING INDEX account_certificates_by_not_after");
    }

    @Test
    void batchStates_readTheCoveringIndex_notTheBatches() {
        assertThat(sqlite.plan(CatalogGauges.BATCH_STATES_QUERY))
                .contains("SCAN batches USING COVERING INDEX batches_by_state");
    }
}
