package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.sftp.auth.FairStepQueue.Admission;
import io.vaultgate.sftp.auth.FairStepQueue.Place;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The MFA steps' pool shares its places fairly ({@link FairStepQueue}): waiting steps go to the workers one source at a
 * time in turn, and a step finding every place taken pushes out the newest waiting step of the source holding most,
 * if that source holds two or more places more than its own. Steps here are their names ("a2": source a's second).
 */
class FairStepQueueTest {

    @Test
    void waitingSteps_goToTheWorkersOneSourceAtATime_notInArrivalOrder() {
        FairStepQueue<String> queue = new FairStepQueue<>(1, 10, 8);
        assertThat(hand(queue, "a1").place()).isEqualTo(Place.WORKER);
        for (String step : List.of("a2", "a3", "a4", "b1", "b2", "c1")) {
            assertThat(hand(queue, step).place()).as(step).isEqualTo(Place.WAITING);
        }
        assertThat(drain(queue)).containsExactly("a2", "b1", "c1", "a3", "b2", "a4");
    }

    @Test
    void aSourceArrivingLater_takesItsTurnBeforeAnotherSourcesBacklog() {
        FairStepQueue<String> queue = new FairStepQueue<>(1, 10, 8);
        hand(queue, "a1");
        hand(queue, "a2");
        hand(queue, "a3");
        assertThat(queue.next()).isEqualTo("a2");
        hand(queue, "b1"); // arrives behind a3, but a has just had its turn
        assertThat(drain(queue)).containsExactly("a3", "b1");
    }

    @Test
    void aFullPool_pushesOutTheNewestWaitingStepOfTheSourceHoldingMost() {
        FairStepQueue<String> queue = new FairStepQueue<>(1, 3, 8);
        hand(queue, "a1"); // the worker
        hand(queue, "a2");
        hand(queue, "b1");
        hand(queue, "a3"); // every place taken: a holds 3, b 1
        Admission<String> c1 = hand(queue, "c1");
        assertThat(c1.place()).isEqualTo(Place.WAITING);
        assertThat(c1.pushedOut()).as("a's newest waiting step").isEqualTo("a3");
        assertThat(queue.held("a")).as("the pushed-out step's count released").isEqualTo(2);
        assertThat(drain(queue)).containsExactly("a2", "b1", "c1");
    }

    @Test
    void ofTwoSourcesHoldingAsMany_theOneWhoseStepArrivedLastIsPushedOut() {
        FairStepQueue<String> queue = new FairStepQueue<>(1, 4, 8);
        hand(queue, "x1"); // the worker
        hand(queue, "a1");
        hand(queue, "b1");
        hand(queue, "a2");
        hand(queue, "b2"); // a and b hold 2 each; b's newest came last
        assertThat(hand(queue, "c1").pushedOut()).isEqualTo("b2");
        assertThat(drain(queue)).containsExactly("a1", "b1", "c1", "a2");
    }

    @Test
    void aFullPool_refusesAStep_whenNoSourceHoldsTwoPlacesMoreThanItsSource() {
        FairStepQueue<String> queue = new FairStepQueue<>(1, 2, 8);
        hand(queue, "a1"); // the worker
        hand(queue, "b1");
        hand(queue, "c1"); // every place taken, each source holding one
        Admission<String> d1 = hand(queue, "d1");
        assertThat(d1).isEqualTo(new Admission<String>(Place.NONE, null));
        assertThat(queue.held("d")).as("still the caller's to release").isEqualTo(1);
        queue.release("d");

        assertThat(hand(queue, "b2").place()).as("nowhere to wait either: b holds 2, a newcomer holds 1 once counted")
                .isEqualTo(Place.NONE);
        queue.release("b");
        assertThat(hand(queue, "d1").place()).as("b holds 1 more than d, not 2").isEqualTo(Place.NONE);
        assertThat(drain(queue)).containsExactly("b1", "c1");
    }

    @Test
    void aSourceWhoseLastWaitingStepIsPushedOut_losesItsTurn() {
        FairStepQueue<String> queue = new FairStepQueue<>(2, 1, 8);
        hand(queue, "a1");
        hand(queue, "a2"); // both workers
        hand(queue, "a3"); // the one place: a holds 3
        assertThat(hand(queue, "b1").pushedOut()).isEqualTo("a3");
        assertThat(drain(queue)).containsExactly("b1");
    }

    @Test
    void aWorkerWithNothingLeftToDecide_isFreeForTheNextStep() {
        FairStepQueue<String> queue = new FairStepQueue<>(1, 10, 8);
        hand(queue, "a1");
        assertThat(hand(queue, "b1").place()).isEqualTo(Place.WAITING);
        assertThat(queue.next()).isEqualTo("b1");
        assertThat(queue.next()).as("none waits: the worker is no longer counted").isNull();
        assertThat(hand(queue, "c1").place()).isEqualTo(Place.WORKER);
        queue.workerEnded(); // its loop ended without next() (an Error)
        assertThat(hand(queue, "d1").place()).isEqualTo(Place.WORKER);
    }

    @Test
    void aSourceAtItsShare_isNotCounted_untilOneOfItsStepsEnds() {
        FairStepQueue<String> queue = new FairStepQueue<>(1, 10, 2);
        assertThat(queue.take("a")).isTrue();
        assertThat(queue.take("a")).isTrue();
        assertThat(queue.take("a")).as("past its share").isFalse();
        assertThat(queue.take("b")).as("another source").isTrue();
        queue.release("a");
        assertThat(queue.take("a")).isTrue();
        assertThat(queue.held("a")).isEqualTo(2);
        assertThat(queue.sources()).isEqualTo(2);
    }

    @Test
    void aClosedQueue_admitsNothing_handsNothingOver_andDropsTheCounts() {
        FairStepQueue<String> queue = new FairStepQueue<>(1, 10, 8);
        hand(queue, "a1");
        hand(queue, "a2");
        hand(queue, "b1");
        queue.close();
        assertThat(queue.sources()).isZero();
        assertThat(queue.next()).isNull();
        assertThat(hand(queue, "c1").place()).as("told apart from a full pool").isEqualTo(Place.CLOSED);
    }

    /** Counts step {@code name} for its source (its first letter) and admits it. */
    private static Admission<String> hand(FairStepQueue<String> queue, String name) {
        String source = name.substring(0, 1);
        assertThat(queue.take(source)).as("%s within its source's share", name).isTrue();
        return queue.admit(source, name);
    }

    /** What a worker decides after its first step, in order, releasing each step's count. */
    private static List<String> drain(FairStepQueue<String> queue) {
        List<String> decided = new ArrayList<>();
        for (String step = queue.next(); step != null; step = queue.next()) {
            decided.add(step);
            queue.release(step.substring(0, 1));
        }
        return decided;
    }
}
