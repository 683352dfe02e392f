package io.vaultgate.core.testing;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.audit.AuditRecord;
import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** An audit log that appends to another one and records how the events reach it: one by one, or in batches. */
public final class RecordingAuditLog implements AuditLog {

    private final AuditLog log;
    private final List<List<AuditEvent>> batches = new CopyOnWriteArrayList<>();
    private final AtomicInteger singles = new AtomicInteger();

    public RecordingAuditLog(AuditLog log) {
        this.log = log;
    }

    @Override
    public AuditRecord append(AuditEvent event) {
        singles.incrementAndGet();
        return log.append(event);
    }

    @Override
    public AuditRecord append(Jdbc jdbc, AuditEvent event) throws SQLException {
        singles.incrementAndGet();
        return log.append(jdbc, event);
    }

    @Override
    public List<AuditRecord> appendAll(Jdbc jdbc, List<AuditEvent> events) throws SQLException {
        batches.add(List.copyOf(events));
        return log.appendAll(jdbc, events);
    }

    /** Events appended one by one. */
    public int singles() {
        return singles.get();
    }

    /** The number of events of each batch append, in order. */
    public List<Integer> eventsPerAppend() {
        return batches.stream().map(List::size).toList();
    }

    /** The number of events of {@code kind} in each batch append, in order. */
    public List<Integer> eventsPerAppend(Class<? extends AuditEvent> kind) {
        return batches.stream().map(batch -> (int) batch.stream().filter(kind::isInstance).count()).toList();
    }
}
