package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.ingest.DeferredUploads.Outcome;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.tenant.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The retry list alone: its back-off (review23d L3), the first deferral time an upload keeps (M2), and a pass that
 * leaves the list free while it tries an upload (L2).
 */
class DeferredUploadsTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private final DeferredUploads list = new DeferredUploads();

    @Test
    void theWaitDoublesFromOneMinute_toTenAtMost() {
        list.add(file("f_1"), T0);
        List<Instant> tried = new ArrayList<>();
        DeferredUploads.Attempt fails = (entry, now) -> {
            tried.add(now);
            return Outcome.DEFERRED;
        };
        Instant now = T0;
        for (long wait : new long[] {1, 2, 4, 8, 10, 10, 10}) {
            now = now.plus(Duration.ofMinutes(wait));
            list.retryDue(now.minusSeconds(1), fails);
            list.retryDue(now, fails);
            assertThat(tried).as("tried once its wait of %d minutes is over, not before", wait).last().isEqualTo(now);
        }
        assertThat(tried).hasSize(7);
        assertThat(list.size()).isEqualTo(1);
    }

    @Test
    void aDeferredUpload_keepsItsFirstDeferralTime() {
        list.add(file("f_1"), T0);
        Instant second = T0.plus(DeferredUploads.FIRST_RETRY);
        List<DeferredUploads.Entry> seen = new ArrayList<>();
        list.retryDue(second, (entry, at) -> Outcome.DEFERRED);
        for (Instant at = second.plus(Duration.ofMinutes(2)); seen.size() < 2; at = at.plus(Duration.ofMinutes(10))) {
            list.retryDue(at, (entry, now) -> {
                seen.add(entry);
                return Outcome.DEFERRED;
            });
        }
        assertThat(seen).allSatisfy(entry -> assertThat(entry.since()).isEqualTo(T0));
    }

    @Test
    void aResumableOrDiscardedUpload_leavesTheList() {
        list.add(file("f_1"), T0);
        list.add(file("f_2"), T0);
        int recovered = list.retryDue(T0.plus(DeferredUploads.FIRST_RETRY),
                (entry, now) -> entry.file().id().equals("f_1") ? Outcome.RESUMABLE : Outcome.DISCARDED);
        assertThat(recovered).isEqualTo(1);
        assertThat(list.size()).isZero();
    }

    @Test
    void whileAPassTriesAnUpload_otherThreadsStillAddAndCount() {
        list.add(file("f_1"), T0);
        list.retryDue(T0.plus(DeferredUploads.FIRST_RETRY), (entry, now) -> {
            CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> {
                list.add(file("f_2"), now);
                return list.size();
            });
            assertThat(other).succeedsWithin(10, TimeUnit.SECONDS).isEqualTo(2);
            return Outcome.RESUMABLE;
        });
        assertThat(list.size()).isEqualTo(1);
    }

    private static FileRecord file(String id) {
        return new FileRecord(id, TenantId.of("acme"), "acc_1", PathPolicy.parse("/inbox/" + id + ".bin"),
                FileState.UPLOADING, new ObjectId("0".repeat(32)), 0, Optional.empty(), T0, T0);
    }
}
