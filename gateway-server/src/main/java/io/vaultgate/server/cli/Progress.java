package io.vaultgate.server.cli;

import io.vaultgate.core.report.WorkProgress;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar for long admin operations (re-wrap, audit export, reports over a long history),
 * drawn on standard error only when the command runs on a terminal ({@link System#console()} is present),
 * so scripts and pipes see nothing of it. Redrawn at most every 100 ms; {@link #close()} draws the final
 * state and ends the line. With an unknown total it shows a running count.
 *
 * <pre>re-wrap acme  [##############----------------]  47%  4,700/10,000</pre>
 */
public final class Progress implements WorkProgress, AutoCloseable {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final String label;
    private final Optional<PrintWriter> terminal;
    private final LongSupplier nanoTime;
    private long total;
    private long done;
    private long lastDraw;
    private boolean drawn;

    Progress(String label, Optional<PrintWriter> terminal, LongSupplier nanoTime) {
        this.label = label;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
        this.lastDraw = nanoTime.getAsLong() - REDRAW_NANOS;
    }

    /** A bar on {@code err} if this process runs on a terminal, else a silent one. */
    public static Progress onTerminal(String label, PrintWriter err) {
        return new Progress(label, System.console() == null ? Optional.empty() : Optional.of(err), System::nanoTime);
    }

    @Override
    public synchronized void total(long units) {
        total = units;
        draw(false);
    }

    @Override
    public synchronized void advance(long units) {
        done += units;
        draw(false);
    }

    /** What the bar shows now (without the leading carriage return). */
    synchronized String line() {
        if (total <= 0) {
            return String.format("%s  %,d", label, done);
        }
        long shown = Math.min(done, total);
        int filled = (int) (WIDTH * shown / total);
        return String.format("%s  [%s%s] %3d%%  %,d/%,d", label, "#".repeat(filled), "-".repeat(WIDTH - filled),
                100 * shown / total, shown, total);
    }

    @Override
    public synchronized void close() {
        draw(true);
        if (drawn) {
            terminal.get().println();
            terminal.get().flush();
        }
    }

    private void draw(boolean force) {
        if (terminal.isEmpty()) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (!force && now - lastDraw < REDRAW_NANOS && done != total) {
            return;
        }
        lastDraw = now;
        drawn = true;
        terminal.get().print("\r" + line());
        terminal.get().flush();
    }
}
