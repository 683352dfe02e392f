package io.vaultgate.sftp.session;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.helpers.TimeoutIndicator;
import org.apache.sshd.common.session.helpers.TimeoutIndicator.TimeoutStatus;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.session.ServerSessionImpl;

/**
 * A server session whose authentication and idle timeouts ({@code sftp.auth-timeout}, {@code sftp.idle-timeout}) are
 * measured on the JVM's monotonic clock, not on the wall clock MINA measures them on. A step of the wall clock (NTP
 * correcting a virtual machine resumed from a snapshot, an operator setting the date) would otherwise cut every
 * connection still authenticating (a step past the auth timeout) or every session (past the idle timeout) at once,
 * and a step back would keep a stalled connection past its limit. MINA's own timer still runs the checks, once a
 * second; only the time they measure changes.
 *
 * <p>The authentication deadline counts from the connection's start, as OpenSSH's {@code LoginGraceTime} does, and
 * nothing moves it: MINA restarts its own with every new {@code ssh-userauth} service, which a client gets by asking
 * for one again, so a client asking every few seconds held a connection unauthenticated for ever (and its place in
 * the connection caps).
 *
 * <p>The time-based re-key ({@code rekey-time-limit}, one hour by default) is measured on the monotonic clock too:
 * MINA notes the wall-clock time each time new keys take effect (in either direction) and re-keys once that is more
 * than the limit ago, so a wall clock stepped back by a day kept a connection on one key for a day more, and one
 * stepped forward re-keyed every connection at its next packet. Here the time new keys took effect is noted on the
 * monotonic clock as MINA notes its own, and the check MINA makes after each message it handles compares with that.
 */
public class SteadyClockSession extends ServerSessionImpl {

    private final LongSupplier nanoClock;
    private final long authStart;
    private volatile long idleStart;
    /** When keys last took effect (either direction), as MINA's {@code lastKeyTimeValue} on the wall clock. */
    private volatile long keysStart;

    public SteadyClockSession(ServerFactoryManager server, IoSession ioSession) throws Exception {
        this(server, ioSession, System::nanoTime);
    }

    SteadyClockSession(ServerFactoryManager server, IoSession ioSession, LongSupplier nanoClock) throws Exception {
        super(server, ioSession);
        this.nanoClock = nanoClock;
        authStart = nanoClock.getAsLong();
        idleStart = authStart;
        keysStart = authStart; // as MINA's, which starts when the session is made
    }

    @Override
    protected void setInputEncoding() throws Exception {
        super.setInputEncoding();
        keysStart = nanoClock.getAsLong();
    }

    @Override
    protected void setOutputEncoding() throws Exception {
        super.setOutputEncoding();
        keysStart = nanoClock.getAsLong();
    }

    /**
     * MINA's check, on the monotonic clock: whether more than the re-key interval has passed since keys last took
     * effect. A zero or negative interval, or none, disables it, as in MINA.
     */
    @Override
    protected boolean isRekeyTimeIntervalExceeded() {
        Duration interval = maxRekeyInterval;
        if (interval == null || interval.isNegative() || interval.isZero()) {
            return false;
        }
        return Duration.ofNanos(nanoClock.getAsLong() - keysStart).compareTo(interval) > 0;
    }

    @Override
    public Instant resetIdleTimeout() {
        if (nanoClock != null) { // null while MINA's constructor runs: the start is set right after it
            idleStart = nanoClock.getAsLong();
        }
        return super.resetIdleTimeout();
    }

    /** @param wallClockNow MINA's reading of the wall clock, not used */
    @Override
    protected TimeoutIndicator checkAuthenticationTimeout(Instant wallClockNow, Duration timeout) {
        return isAuthenticated() ? null : expired(TimeoutStatus.AuthTimeout, authStart, timeout);
    }

    /** @param wallClockNow MINA's reading of the wall clock, not used */
    @Override
    protected TimeoutIndicator checkIdleTimeout(Instant wallClockNow, Duration timeout) {
        return isAuthenticated() ? expired(TimeoutStatus.IdleTimeout, idleStart, timeout) : null;
    }

    private TimeoutIndicator expired(TimeoutStatus status, long start, Duration timeout) {
        Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - start);
        boolean limited = timeout != null && !timeout.isNegative() && !timeout.isZero();
        return limited && elapsed.compareTo(timeout) > 0 ? new TimeoutIndicator(status, timeout, elapsed) : null;
    }
}
