package io.vaultgate.server.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A part of a size that another key sets, written as a percentage of it ({@code 25%}, which follows that key when
 * it changes) or as a size of its own ({@code 16MiB}). Exactly one of the two is set.
 *
 * @param percent 1 to 100, or 0 when {@code size} is set
 * @param size    the part as a size, or null when {@code percent} is set
 */
public record Share(int percent, DataSize size) {
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,3})\\s*%");

    public Share {
        if ((size == null) == (percent == 0) || percent < 0 || percent > 100) {
            throw new IllegalArgumentException("a share is 1 to 100 percent or a size, was " + percent + "% and "
                    + size);
        }
    }

    public static Share percent(int percent) {
        return new Share(percent, null);
    }

    public static Share ofSize(DataSize size) {
        return new Share(0, Objects.requireNonNull(size, "size"));
    }

    /** Parses {@code 25%} or a size ({@link DataSize#parse}). */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Share parse(String text) {
        Matcher m = PERCENT.matcher(text.strip());
        if (!m.matches()) {
            return ofSize(DataSize.parse(text));
        }
        int p = Integer.parseInt(m.group(1));
        if (p < 1 || p > 100) {
            throw new InvalidValue("not a percentage from 1 to 100 " + InvalidValue.quote(text),
                    "use e.g. 25% or a size such as 16MiB");
        }
        return percent(p);
    }

    /** This part of {@code whole}: a percentage rounded down to whole bytes, or the size. */
    public DataSize partOf(DataSize whole) {
        return size != null ? size : DataSize.ofBytes(Math.multiplyExact(whole.bytes(), (long) percent) / 100);
    }

    @JsonValue
    @Override
    public String toString() {
        return size != null ? size.toString() : percent + "%";
    }
}
