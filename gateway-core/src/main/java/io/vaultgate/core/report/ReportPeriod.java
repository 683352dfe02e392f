package io.vaultgate.core.report;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/** A calendar month in UTC, the span a transparency report covers: {@code [from, until)}. */
public record ReportPeriod(YearMonth month) {

    public ReportPeriod {
        Objects.requireNonNull(month, "month");
    }

    /** Parses {@code 2026-11}; an {@link IllegalArgumentException} names the expected form. */
    public static ReportPeriod parse(String text) {
        try {
            return new ReportPeriod(YearMonth.parse(text));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("period \"" + text + "\": give a month as YYYY-MM, e.g. 2026-11");
        }
    }

    public Instant from() {
        return month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    public Instant until() {
        return month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    @Override
    public String toString() {
        return month.toString();
    }
}
