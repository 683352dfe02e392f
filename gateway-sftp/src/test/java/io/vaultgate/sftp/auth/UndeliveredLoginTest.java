package io.vaultgate.sftp.auth;

import static io.vaultgate.sftp.auth.FakeSessions.mfaForAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.audit.AuditRecord;
import io.vaultgate.core.audit.AuditingAuthenticator;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.sftp.events.SftpMetrics;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.session.ServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A code step the core accepted whose success MINA does not take (the session not logged in by it: another message
 * came first, or the session closed) is recorded as undelivered ({@link Authenticator#undelivered}), once; a success
 * MINA takes, and a refused code, are not. The first listener of the pending answer stands in for MINA's. The record
 * is made and stamped when the success is found undelivered, and written off the answering thread, after the step's
 * success: a slow audit holds back no other login's answer, nor changes the time the record says.
 */
class UndeliveredLoginTest {

    private static final String RIGHT_CODE = "123456";

    private final AuthSteps steps = new AuthSteps();
    private final List<String> undelivered = new CopyOnWriteArrayList<>();
    /** The core's records in the order written: "succeeded NAME" and "undelivered NAME". */
    private final List<String> recorded = new CopyOnWriteArrayList<>();
    /** The threads that wrote the undelivered records. */
    private final List<String> auditThreads = new CopyOnWriteArrayList<>();

    /** The audit of an undelivered success waits for it (a slow catalog); open unless a test holds it. */
    private CountDownLatch held = new CountDownLatch(0);
    private final CountDownLatch auditStarted = new CountDownLatch(1);
    /** The core's code check waits for it; open unless a test holds it. */
    private CountDownLatch checkHeld = new CountDownLatch(0);

    @AfterEach
    void stop() {
        held.countDown();
        checkHeld.countDown();
        steps.close();
    }

    @Test
    void aSuccessMinaDrops_isRecordedUndelivered() throws Exception {
        assertThat(codeStep(RIGHT_CODE, session -> { })).as("the answer").isTrue();
        assertThat(steps.recordsWritten(Duration.ofSeconds(10))).isTrue();
        assertThat(undelivered).containsExactly("alice totp SFTP 127.0.0.1");
        assertThat(recorded).containsExactly("succeeded alice", "undelivered alice");
    }

    @Test
    void aSuccessMinaTakes_isNot() throws Exception {
        assertThat(codeStep(RIGHT_CODE, session -> session.setAttribute(FakeSessions.AUTHENTICATED, true)))
                .isTrue();
        assertThat(steps.recordsWritten(Duration.ofSeconds(10))).isTrue();
        assertThat(undelivered).isEmpty();
    }

    @Test
    void aRefusedCode_isNot() throws Exception {
        assertThat(codeStep("000000", session -> { })).isFalse();
        assertThat(steps.recordsWritten(Duration.ofSeconds(10))).isTrue();
        assertThat(undelivered).isEmpty();
    }

    /**
     * review21a L4: the record was written on the thread that completed the answer, mostly the one timer of
     * {@link AuthSteps}, so while alice's audit waited on a slow catalog bob's answer, due just after hers, waited too.
     * Clock-free: alice's audit is held until bob has been answered; before, bob's answer waited for the hold.
     */
    @Test
    void aSlowAudit_delaysNoOtherLoginsAnswer_andIsStillWrittenAfterItsSuccess() throws Exception {
        held = new CountDownLatch(1);
        CoreUserAuthenticator core = new CoreUserAuthenticator(recording(),
                new SftpMetrics(new SimpleMeterRegistry()), steps);
        TotpKeyboardInteractive step = new TotpKeyboardInteractive(mfaForAll(), core);
        ServerSession alice = FakeSessions.session();
        SessionPrincipal.set(alice, new AdminPrincipal("alice"), "password:alice");
        ServerSession bob = FakeSessions.session();
        SessionPrincipal.set(bob, new AdminPrincipal("bob"), "password:bob");

        AsyncAuthException alicePending = FakeSessions.pending(
                () -> step.authenticate(alice, "alice", List.of(RIGHT_CODE)));
        alicePending.addListener(authed -> { }); // MINA's listener drops it: the client sent another message
        long bobArrived = System.nanoTime();
        AsyncAuthException bobPending = FakeSessions.pending(() -> step.authenticate(bob, "bob", List.of("000000")));
        bobPending.addListener(authed -> { }); // MINA's

        assertThat(auditStarted.await(10, TimeUnit.SECONDS)).as("alice's undelivered success is being audited")
                .isTrue();
        FakeSessions.Answer bobs = FakeSessions.await(bobPending, bobArrived, Duration.ZERO);
        assertThat(held.getCount()).as("bob answered while alice's audit is still held").isEqualTo(1);
        assertThat(bobs.authed()).isFalse();
        assertThat(bobs.after()).as("through the floor").isGreaterThanOrEqualTo(AnswerFloor.CODE_STEP);

        held.countDown();
        assertThat(steps.recordsWritten(Duration.ofSeconds(10))).isTrue();
        assertThat(undelivered).as("written once, not lost").containsExactly("alice totp SFTP 127.0.0.1");
        assertThat(recorded).as("after its success").containsSubsequence("succeeded alice", "undelivered alice")
                .containsOnlyOnce("undelivered alice");
        assertThat(auditThreads).as("written by the recorder, whichever thread answered alice")
                .singleElement().asString().startsWith("sftp-auth-record-");
    }

    /**
     * review22b L4: the record says when the success was found undelivered (when it was handed to the recorder), not
     * when the recorder got round to writing it. Clock-free: the recorder is held by an earlier record while the
     * core's clock moves an hour; before, the record was made (and stamped) by the recorder, an hour late. The
     * core's code check is held until the test's listeners are on the answer, so that the second one runs after
     * MINA's listener and the hand-over, whenever the answer comes.
     */
    @Test
    void anUndeliveredRecord_isStampedWhenHandedOver_notWhenWritten() throws Exception {
        Instant handedOver = Instant.parse("2026-12-01T07:00:00Z");
        MutableClock clock = new MutableClock(handedOver);
        List<AuditEvent> appended = new CopyOnWriteArrayList<>();
        Authenticator audited = new AuditingAuthenticator(recording(), appendingTo(appended),
                name -> Optional.empty(), clock);
        CountDownLatch recorderHeld = new CountDownLatch(1);
        CountDownLatch recorderBusy = new CountDownLatch(1);
        steps.record(() -> { // an earlier record, on a slow catalog
            recorderBusy.countDown();
            await(recorderHeld);
        });
        assertThat(recorderBusy.await(10, TimeUnit.SECONDS)).as("the recorder is busy").isTrue();
        checkHeld = new CountDownLatch(1);
        CoreUserAuthenticator core = new CoreUserAuthenticator(audited, new SftpMetrics(new SimpleMeterRegistry()),
                steps);
        TotpKeyboardInteractive step = new TotpKeyboardInteractive(mfaForAll(), core);
        ServerSession session = FakeSessions.session();
        SessionPrincipal.set(session, new AdminPrincipal("alice"), "password:alice");

        AsyncAuthException pending = FakeSessions.pending(
                () -> step.authenticate(session, "alice", List.of(RIGHT_CODE)));
        CountDownLatch handed = new CountDownLatch(1);
        pending.addListener(authed -> { }); // MINA's listener drops it: the client sent another message
        pending.addListener(authed -> handed.countDown()); // after MINA's, and so after the hand-over
        checkHeld.countDown();
        assertThat(handed.await(10, TimeUnit.SECONDS)).as("answered and handed over").isTrue();
        clock.advance(Duration.ofHours(1)); // the recorder writes it an hour later
        recorderHeld.countDown();
        assertThat(steps.recordsWritten(Duration.ofSeconds(10))).isTrue();

        assertThat(appended).extracting(AuditEvent::kind).containsExactly("auth.succeeded", "auth.undelivered");
        assertThat(appended).extracting(AuditEvent::at).as("both stamped when they happened")
                .containsOnly(handedOver);
    }

    @Test
    void recordsHandedOverBeforeClose_areWrittenBeforeCloseReturns() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        List<Integer> written = new CopyOnWriteArrayList<>();
        steps.record(() -> {
            first.countDown();
            sleep(200); // a slow catalog
            written.add(0);
        });
        steps.record(() -> written.add(1));
        assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();

        steps.close();

        assertThat(written).as("before the audit log's last checkpoint").containsExactly(0, 1);
    }

    @Test
    void aRecordHandedOverWhenTheRecorderIsFull_isWrittenByTheCaller() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        List<Integer> written = new CopyOnWriteArrayList<>();
        steps.record(() -> await(hold));
        for (int i = 0; i < AuthSteps.RECORDS; i++) {
            int n = i;
            steps.record(() -> written.add(n));
        }
        steps.record(() -> written.add(-1)); // the queue is full: written here, at once
        assertThat(written).containsExactly(-1);
        hold.countDown();
        assertThat(steps.recordsWritten(Duration.ofSeconds(10))).isTrue();
        assertThat(written).hasSize(AuthSteps.RECORDS + 1);
        assertThat(written.subList(1, written.size())).as("the queued ones in order").isSorted();
    }

    /** Alice's code step with {@code code}; {@code mina} is what MINA's listener does with the answer. */
    private boolean codeStep(String code, Consumer<ServerSession> mina) throws Exception {
        CoreUserAuthenticator core = new CoreUserAuthenticator(recording(),
                new SftpMetrics(new SimpleMeterRegistry()), steps);
        TotpKeyboardInteractive step = new TotpKeyboardInteractive(mfaForAll(), core);
        ServerSession session = FakeSessions.session();
        SessionPrincipal.set(session, new AdminPrincipal("alice"), "password:alice");
        long arrived = System.nanoTime();
        AsyncAuthException pending = FakeSessions.pending(() -> step.authenticate(session, "alice", List.of(code)));
        pending.addListener(authed -> mina.accept(session)); // the first listener: MINA's
        return FakeSessions.await(pending, arrived, Duration.ZERO).authed(); // after MINA's listener
    }

    /** An audit log that appends to {@code events} (its own transactions only). */
    private static AuditLog appendingTo(List<AuditEvent> events) {
        return new AuditLog() {
            @Override
            public AuditRecord append(AuditEvent event) {
                events.add(event);
                return null;
            }

            @Override
            public AuditRecord append(Jdbc jdbc, AuditEvent event) {
                throw new UnsupportedOperationException("no transaction here");
            }
        };
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Accepts {@link #RIGHT_CODE} only (each check waits for {@link #checkHeld}), notes each success and undelivered
     * success (whose write waits for {@link #held}).
     */
    private Authenticator recording() {
        return (Authenticator) Proxy.newProxyInstance(UndeliveredLoginTest.class.getClassLoader(),
                new Class<?>[] {Authenticator.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "byTotp": {
                            await(checkHeld);
                            Principal principal = (Principal) args[0];
                            if (!RIGHT_CODE.equals(args[1])) {
                                return new AuthResult.Failure(principal.name(), AuthFailure.MFA_FAILED);
                            }
                            recorded.add("succeeded " + principal.name());
                            return new AuthResult.Success(principal, "password:" + principal.name());
                        }
                        case "undelivered": { // the record is made now, written when the write runs
                            String name = ((Principal) args[0]).name();
                            String what = name + " " + args[1] + " " + args[2] + " " + args[3];
                            return (Runnable) () -> {
                                auditThreads.add(Thread.currentThread().getName());
                                auditStarted.countDown();
                                await(held);
                                recorded.add("undelivered " + name);
                                undelivered.add(what);
                            };
                        }
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
