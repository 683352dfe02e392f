package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.SqliteQueryPlans;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A site's removal reads each page of its forward jobs, per state and oldest first, as one range of the index
 * {@code forward_jobs_by_site_state_age} (site, state, created_at, id; migration V29), with no sort: before it, each
 * page found the site's jobs in the state through {@code forward_jobs_due} and sorted all of them left after the
 * cursor (a backlog's cost growing with its square). The other queries of a site's jobs still search an index.
 * Checked on SQLite's plan.
 */
class ForwardsBySiteQueryPlanTest {

    private static final String INDEX = "forward_jobs_by_site_state_age";

    @RegisterExtension
    final SqliteQueryPlans sqlite = new SqliteQueryPlans();

    @Test
    void aRemovalsFirstPage_isOneRangeOfTheIndex_readInOrder() {
        List<String> plan = sqlite.plan(ForwardsAbandonment.FIRST_OF_STATE, "manila", "DEAD", 1000);

        assertThat(plan).anyMatch(step -> step.startsWith("SEARCH forward_jobs USING INDEX " + INDEX
                + " (site_id=? AND state=?)"));
        assertThat(plan).noneMatch(step -> step.contains("TEMP B-TREE"));
    }

    @Test
    void aRemovalsNextPage_startsAtTheCursor_inTheIndex_readInOrder() {
        List<String> plan = sqlite.plan(ForwardsAbandonment.NEXT_OF_STATE, "manila", "PENDING", 5L, 5L, "fw_00", 1000);

        assertThat(plan).anyMatch(step -> step.startsWith("SEARCH forward_jobs USING INDEX " + INDEX
                + " (site_id=? AND state=? AND created_at>?)"));
        assertThat(plan).noneMatch(step -> step.contains("TEMP B-TREE"));
    }

    /**
     * The maintenance sweep's look for removed sites with forwards left (every node, every pass), and a removal's for
     * its own site, probe each removed site's jobs by site and state in an index, and scan none.
     */
    @Test
    void theLookForRemovedSitesWithForwardsLeft_probesAnIndexPerSite() {
        List<List<String>> plans = List.of(
                sqlite.plan(ForwardsAbandonment.QUIET_REMOVED_WITH_FORWARDS_LEFT, 0L),
                sqlite.plan(ForwardsAbandonment.REMOVED_WITH_FORWARDS_LEFT + " AND id = ?", "manila"));

        for (List<String> plan : plans) {
            assertThat(plan).anyMatch(step -> step.matches("SEARCH forward_jobs (EXISTS )?USING (COVERING )?INDEX "
                    + ".*\\(site_id=\\? AND state=\\?\\)")).noneMatch(step -> step.startsWith("SCAN forward_jobs"));
        }
    }

    /** A claim, the unsettled count a removal checks, and the counts of a site's jobs search an index, scan none. */
    @Test
    void theOtherQueriesOfASitesJobs_searchAnIndex() {
        String claim = "SELECT " + OutboxRows.COLUMNS + " FROM forward_jobs WHERE site_id = ? AND " + OutboxLeases.DUE
                + " ORDER BY created_at, id LIMIT ?";
        List<List<String>> plans = List.of(
                sqlite.plan(claim, "manila", 5L, 5L, 10),
                sqlite.plan("SELECT COUNT(*) FROM forward_jobs WHERE site_id = ? AND state IN (?, ?)", "manila",
                        "PENDING", "IN_FLIGHT"),
                sqlite.plan("SELECT COUNT(*) FROM (SELECT id FROM forward_jobs WHERE site_id = ? AND state IN (?, ?, "
                        + "?)) locked", "manila", "PENDING", "IN_FLIGHT", "DEAD"),
                sqlite.plan("SELECT COUNT(*) FROM forward_jobs WHERE site_id = ? AND state = ?", "manila", "DEAD"));

        for (List<String> plan : plans) {
            assertThat(plan).anyMatch(step -> step.matches("SEARCH forward_jobs USING (COVERING )?INDEX .*"))
                    .noneMatch(step -> step.startsWith("SCAN forward_jobs"));
        }
    }
}
