package io.vaultgate.core.admin;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.audit.AuditRecord;
import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * An audit log that passes every append on, and first tells a hook of each batch append carrying
 * {@code forward.abandoned} events (numbered from 1), inside the appending transaction: a hook that throws cuts
 * a site's removal off there, as a crash would.
 */
final class HookedAuditLog implements AuditLog {

    /** Told of the {@code n}th append of {@code forward.abandoned} events, in its transaction. */
    @FunctionalInterface
    interface PageHook {
        void accept(int n, Jdbc jdbc) throws SQLException;
    }

    private final AuditLog log;
    private final AtomicInteger forwardAppends = new AtomicInteger();
    private volatile PageHook hook = (n, jdbc) -> { };

    HookedAuditLog(AuditLog log) {
        this.log = log;
    }

    /** Calls {@code hook} before each append of {@code forward.abandoned} events, numbered from 1 again. */
    void beforeForwardAppend(IntConsumer hook) {
        beforeForwardAppendIn((n, jdbc) -> hook.accept(n));
    }

    /** Like {@link #beforeForwardAppend}, given the appending transaction. */
    void beforeForwardAppendIn(PageHook hook) {
        forwardAppends.set(0);
        this.hook = hook;
    }

    @Override
    public AuditRecord append(AuditEvent event) {
        return log.append(event);
    }

    @Override
    public AuditRecord append(Jdbc jdbc, AuditEvent event) throws SQLException {
        return log.append(jdbc, event);
    }

    @Override
    public List<AuditRecord> appendAll(Jdbc jdbc, List<AuditEvent> events) throws SQLException {
        if (events.stream().anyMatch(AuditEvent.ForwardAbandoned.class::isInstance)) {
            hook.accept(forwardAppends.incrementAndGet(), jdbc);
        }
        return log.appendAll(jdbc, events);
    }
}
