package io.vaultgate.core.storage;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/** A random name for one stored ciphertext object; never derived from anything a client supplied. */
public record ObjectId(String value) {
    private static final Pattern FORM = Pattern.compile("[0-9a-f]{32}");

    public ObjectId {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("object id must be 32 lower-case hex digits");
        }
    }

    public static ObjectId random(SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return new ObjectId(HexFormat.of().formatHex(bytes));
    }

    /** The id a stored name spells, if it spells one (a store may hold names that are not ours). */
    public static Optional<ObjectId> parse(String name) {
        return FORM.matcher(name).matches() ? Optional.of(new ObjectId(name)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
