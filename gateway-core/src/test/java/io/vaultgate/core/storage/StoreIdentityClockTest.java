package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store's row is dated on the catalog's clock, as the age a start judges it by is: {@code recorded_at} always was
 * (the catalog's {@code nowMillis()}), but {@code confirmed_at} was written from the clock the start was given, the
 * host's raw clock ({@code ObjectStores} passed {@code Clock.systemUTC()}: a start runs before its node measures its
 * clock against the catalog's). On a host a day ahead, the store was confirmed a day after it was recorded; a start
 * now takes no clock at all.
 */
class StoreIdentityClockTest extends StoreIdentityFixture {

    @Test
    void aStart_confirmsTheStoreOnTheCatalogsTime() throws IOException {
        try (Database catalog = TestCatalog.open(home)) {
            ObjectStore store = TestStore.open(home, clock);
            StoreIdentity.Result result = new StoreIdentity(catalog, store, marker(store)).check();
            assertThat(result.outcome()).isEqualTo(StoreIdentity.Outcome.RECORDED);

            List<Long> row = catalog.read(jdbc -> jdbc.queryOne("SELECT recorded_at, confirmed_at, "
                    + jdbc.dialect().nowMillis() + " FROM store_identity WHERE id = 1",
                    r -> List.of(r.getLong(1), r.getLong(2), r.getLong(3)))).orElseThrow();
            long recordedAt = row.get(0);
            long confirmedAt = row.get(1);
            long catalogNow = row.get(2);
            assertThat(confirmedAt - recordedAt).as("confirmed after it was recorded, on one clock")
                    .isBetween(0L, Duration.ofMinutes(1).toMillis());
            assertThat(confirmedAt).as("not in the catalog's future").isLessThanOrEqualTo(catalogNow);
        }
    }
}
