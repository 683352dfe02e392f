package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final StringWriter screen = new StringWriter();

    @Test
    void onATerminal_drawsABar_throttled_andEndsTheLineOnClose() {
        try (Progress progress = new Progress("re-wrap acme", Optional.of(new PrintWriter(screen)), nanos::get)) {
            progress.total(10);
            progress.advance(1);
            progress.advance(1); // within 100 ms of the last draw: not redrawn
            nanos.addAndGet(150_000_000L);
            progress.advance(3);
            assertThat(progress.line()).isEqualTo("re-wrap acme  [###############---------------]  50%  5/10");
            progress.advance(5); // the last unit always draws
        }
        String drawn = screen.toString();
        assertThat(drawn.split("\r", -1)).hasSize(5); // total, 50%, 100%, and close's final redraw
        assertThat(drawn).contains("  0%  0/10").contains(" 50%  5/10").contains("100%  10/10").endsWith("\n")
                .doesNotContain("20%");
    }

    @Test
    void unknownTotal_showsARunningCount() {
        Progress progress = new Progress("export", Optional.of(new PrintWriter(screen)), nanos::get);
        progress.advance(12_345);
        assertThat(progress.line()).isEqualTo("export  12,345");
    }

    @Test
    void inAScript_printsNothingAtAll() {
        try (Progress progress = new Progress("report", Optional.empty(), nanos::get)) {
            progress.total(3);
            progress.advance(3);
        }
        assertThat(screen.toString()).isEmpty();
    }

    @Test
    void underTheTestRunner_thereIsNoConsole_soTheFactoryIsSilent() {
        StringWriter err = new StringWriter();
        try (Progress progress = Progress.onTerminal("rewrap", new PrintWriter(err))) {
            progress.total(1);
            progress.advance(1);
        }
        assertThat(System.console()).isNull();
        assertThat(err.toString()).isEmpty();
    }
}
