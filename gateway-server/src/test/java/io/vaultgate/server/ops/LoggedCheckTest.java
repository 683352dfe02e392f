package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.core.metrics.CheckResult;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The reason a readiness check is down is logged, since the unauthenticated {@code /health/ready} no longer
 * shows it: once when the check goes down, however often it is asked (anyone can ask), and once when it is up again.
 */
class LoggedCheckTest {

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(LoggedCheck.class);
    private Level level;

    @BeforeEach
    void capture() {
        level = logger.getLevel();
        logger.setLevel(Level.INFO);
        captured.start();
        logger.addAppender(captured);
    }

    @AfterEach
    void release() {
        logger.detachAppender(captured);
        logger.setLevel(level);
    }

    @Test
    void aCheckGoingDown_isLoggedOnceWithItsReason_andOnceWhenItIsUpAgain() {
        AtomicReference<CheckResult> state = new AtomicReference<>(CheckResult.up("store"));
        ReadinessCheck check = LoggedCheck.wrap(List.of(state::get)).get(0);

        for (int i = 0; i < 100; i++) {
            check.check();
        }
        state.set(CheckResult.down("store", "the object store is not writable: /srv/objects: No space left"));
        for (int i = 0; i < 100; i++) {
            assertThat(check.check()).isEqualTo(state.get());
        }
        state.set(CheckResult.up("store"));
        for (int i = 0; i < 100; i++) {
            check.check();
        }

        assertThat(captured.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Level.WARN, "readiness check store is down: the object "
                                + "store is not writable: /srv/objects: No space left"),
                        org.assertj.core.groups.Tuple.tuple(Level.INFO, "readiness check store is up again"));
    }

    @Test
    void aCheckThatIsDownFromTheStart_isLogged() {
        ReadinessCheck check = LoggedCheck.wrap(List.of(() -> CheckResult.down("sftp", "not running"))).get(0);

        check.check();
        check.check();

        assertThat(captured.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("readiness check sftp is down: not running");
    }

    @Test
    void aCheckThatThrows_isDown_underTheNameItLastAnsweredWith() {
        boolean[] throwing = {false};
        ReadinessCheck check = LoggedCheck.wrap(List.of(() -> {
            if (throwing[0]) {
                throw new IllegalStateException("pool closed");
            }
            return CheckResult.up("catalog");
        })).get(0);
        check.check();
        throwing[0] = true;

        CheckResult result = check.check();

        assertThat(result.up()).isFalse();
        assertThat(result.name()).isEqualTo("catalog");
        assertThat(result.detail()).contains("pool closed");
        assertThat(captured.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("readiness check catalog is down: check failed: java.lang.IllegalStateException: "
                        + "pool closed");
    }

    @Test
    void wrappingTwice_logsOnce() {
        List<ReadinessCheck> once = LoggedCheck.wrap(List.of(() -> CheckResult.down("https", "gone")));

        List<ReadinessCheck> twice = LoggedCheck.wrap(once);
        twice.get(0).check();

        assertThat(twice.get(0)).isSameAs(once.get(0));
        assertThat(captured.list).hasSize(1);
    }
}
