package io.vaultgate.core.tenant;

import java.util.regex.Pattern;

/** A tenant's stable identifier: lower-case letters, digits and dashes, 2 to 63 characters. */
public record TenantId(String value) implements Comparable<TenantId> {
    private static final Pattern FORM = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");

    public TenantId {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("tenant id must be 2-63 characters of a-z, 0-9 and '-', "
                    + "starting with a letter or digit; got \"" + value + "\"");
        }
    }

    public static TenantId of(String value) {
        return new TenantId(value);
    }

    @Override
    public int compareTo(TenantId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
