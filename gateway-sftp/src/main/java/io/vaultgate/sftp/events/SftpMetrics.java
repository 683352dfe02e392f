package io.vaultgate.sftp.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.core.defender.ConnectionRefusals;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * The SFTP front-end's meters, all named {@code vaultgate.sftp.*}: connections (total, open and refused), channels
 * refused, logins by method and outcome, MFA steps the pool refused to decide, transfers by outcome, and plaintext
 * bytes in and out.
 */
public final class SftpMetrics implements SessionListener {

    private final MeterRegistry registry;
    private final AtomicInteger open = new AtomicInteger();
    private final Counter connections;
    private final Counter bytesIn;
    private final Counter bytesOut;
    /** One counter per outcome, registered up front: no meter look-up per file. */
    private final Map<Transfer, Counter> transfers = new EnumMap<>(Transfer.class);
    private final ConnectionRefusals refused;
    private final Counter channelsRefused;
    /** One counter per reason, registered up front: a scrape shows 0 before the first refusal. */
    private final Map<StepRefusal, Counter> mfaStepsRefused = new EnumMap<>(StepRefusal.class);

    public SftpMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytesIn = bytes("in");
        this.bytesOut = bytes("out");
        this.connections = Counter.builder("vaultgate.sftp.connections").description("SSH connections accepted")
                .register(registry);
        for (Transfer outcome : Transfer.values()) {
            transfers.put(outcome, Counter.builder("vaultgate.sftp.transfers").description("file transfers by outcome")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        Gauge.builder("vaultgate.sftp.connections.open", open, AtomicInteger::get)
                .description("SSH connections currently open").register(registry);
        this.refused = ConnectionRefusals.registeredIn(registry, "sftp",
                "SSH connections closed for a connection cap, by reason");
        this.channelsRefused = Counter.builder("vaultgate.sftp.channels.refused")
                .description("SSH channel opens refused for a cap, by reason")
                .tag("reason", "max_channels_per_connection").register(registry);
        for (StepRefusal reason : StepRefusal.values()) {
            mfaStepsRefused.put(reason, Counter.builder("vaultgate.sftp.mfa.steps.refused")
                    .description("MFA login steps answered as refused without a decision, the pool of their checks"
                            + " being full for them, by reason")
                    .tag("reason", reason.tag()).register(registry));
        }
    }

    @Override
    public void sessionCreated(Session session) {
        open.incrementAndGet();
        connections.increment();
    }

    @Override
    public void sessionClosed(Session session) {
        open.decrementAndGet();
    }

    /**
     * Counts one connection refused for {@code reason}, {@code vaultgate_sftp_connections_refused_total}:
     * {@code MAX_CONNECTIONS} (closed before its session exists) or {@code MAX_CONNECTIONS_PER_SOURCE} (closed as
     * its session is created, before key exchange).
     */
    public Runnable refusals(ConnectionRefusals.Reason reason) {
        return refused.of(reason);
    }

    /**
     * Counts one channel open refused because its connection held {@code maxChannelsPerConnection} channels,
     * {@code vaultgate_sftp_channels_refused_total{reason="max_channels_per_connection"}} (registered up front, so a
     * scrape shows 0 before the first).
     */
    public Runnable channelRefusals() {
        return channelsRefused::increment;
    }

    /**
     * Counts one MFA step the pool answered undecided (as refused, through its floor) for {@code reason},
     * {@code vaultgate_sftp_mfa_steps_refused_total{reason="pool_full"|"source_share"|"pushed_out"|"stopping"}}.
     */
    public void mfaStepRefused(StepRefusal reason) {
        mfaStepsRefused.get(reason).increment();
    }

    /** One login attempt; {@code method} is {@code publickey} or {@code password}. */
    public void login(String method, boolean success) {
        Counter.builder("vaultgate.sftp.logins").description("authentication attempts")
                .tag("method", method).tag("outcome", success ? "success" : "failure")
                .register(registry).increment();
    }

    /** One finished transfer handle. */
    public void transfer(Transfer outcome) {
        transfers.get(outcome).increment();
    }

    public void bytesIn(long n) {
        bytesIn.increment(n);
    }

    public void bytesOut(long n) {
        bytesOut.increment(n);
    }

    private Counter bytes(String direction) {
        return Counter.builder("vaultgate.sftp.bytes").description("plaintext bytes transferred").baseUnit("bytes")
                .tag("direction", direction).register(registry);
    }

    /** How a transfer handle ended. */
    public enum Transfer {
        UPLOAD_COMMITTED, UPLOAD_SUSPENDED, UPLOAD_FAILED, DOWNLOAD, DOWNLOAD_FAILED, OPEN_REFUSED
    }
}
