package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.storage.StoreMarkerConflict;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import org.junit.jupiter.api.Test;

/**
 * review27 #5: the start-up advice for a store marker that could not be written is chosen by the failure's type
 * ({@link StoreMarkerConflict} and its reason), not by words of its message: only a write of the marker in progress
 * for too long points at another installation; another conflict names its error code; anything else keeps the
 * general advice. (The conflicts themselves, against an S3 server: S3StoreMarkerConditionalTest.)
 */
class ObjectStoresMarkerFixTest {

    @Test
    void aWriteOfTheMarkerInProgressForTooLong_isAdvisedToStartAgain_andToLookForAnotherInstallation() {
        IOException failure = new StoreMarkerConflict(StoreMarkerConflict.Reason.WRITE_IN_PROGRESS,
                "ConditionalRequestConflict", "S3 answered 409 for 10 s", null);

        assertThat(ObjectStores.markerFix(failure)).startsWith("start again")
                .contains("no other installation uses this bucket and prefix");
    }

    @Test
    void anotherConflict_isAdvisedByItsErrorCode_notAsAnotherInstallation() {
        IOException failure = new IOException("reading the store", new StoreMarkerConflict(
                StoreMarkerConflict.Reason.REFUSED, "InvalidBucketState", "a message without the usual words", null));

        assertThat(ObjectStores.markerFix(failure)).contains("refused the write with InvalidBucketState")
                .doesNotContain("other installation");
    }

    @Test
    void anotherFailure_getsTheGeneralAdvice() {
        assertThat(ObjectStores.markerFix(new AccessDeniedException("/srv/store/.vaultgate-store")))
                .startsWith("check that the gateway may read and write the store");
    }
}
