package io.vaultgate.core.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One meter of the gateway as operators see it: the Micrometer name used to register it, its type, the
 * description and base unit shown in the Prometheus {@code # HELP} line, and the labels it carries.
 *
 * @param name        the Micrometer name, dot-separated ({@code vaultgate.transfers})
 * @param unit        the base unit ({@code bytes}, {@code seconds}) or empty for plain counts
 */
public record MeterSpec(String name, Type type, String description, String unit, List<String> labels) {

    /** The kinds of meter, as they appear in Prometheus. */
    public enum Type { COUNTER, GAUGE, HISTOGRAM }

    public MeterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(unit, "unit");
        labels = List.copyOf(labels);
        if (!name.startsWith("vaultgate.") || !name.matches("[a-z0-9.]+")) {
            throw new IllegalArgumentException("meter names are lower-case, dot-separated and start with "
                    + "'vaultgate.': " + name);
        }
    }

    /**
     * The name of the series in the Prometheus text format: dots become underscores, the unit is appended
     * unless the name already ends with it, and counters end in {@code _total}; histograms add
     * {@code _bucket}, {@code _count} and {@code _sum} to this name.
     */
    public String prometheusName() {
        String base = name.replace('.', '_');
        String suffix = unit.isEmpty() ? "" : "_" + unit;
        if (!suffix.isEmpty() && !base.endsWith(suffix)) {
            base = base + suffix;
        }
        return type == Type.COUNTER ? base + "_total" : base;
    }

    /** The type as Prometheus spells it in {@code # TYPE}. */
    public String prometheusType() {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
