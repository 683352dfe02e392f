package io.vaultgate.core.storage;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The random identity of one object store ({@link StoreIdentity}): a UUID, held by the store's marker and recorded in
 * the catalog. The marker's text is one line, {@code vaultgate-store <id>}.
 */
public record StoreId(String value) {

    private static final Pattern FORM = Pattern.compile(
            "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern MARKER = Pattern.compile("vaultgate-store (" + FORM.pattern() + ")\n?");
    /** More than a marker's text ever is: a longer file is not a marker. */
    public static final int MARKER_MAX_BYTES = 128;

    public StoreId {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("a store id is a lower-case UUID");
        }
    }

    public static StoreId random() {
        return new StoreId(UUID.randomUUID().toString());
    }

    /** The marker's content. */
    public byte[] markerBytes() {
        return ("vaultgate-store " + value + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The id a marker's content names; empty when it is not a marker's text (never echoed: it is unknown data). */
    public static Optional<StoreId> fromMarker(byte[] content) {
        if (content.length > MARKER_MAX_BYTES) {
            return Optional.empty();
        }
        Matcher matcher = MARKER.matcher(new String(content, StandardCharsets.US_ASCII));
        return matcher.matches() ? Optional.of(new StoreId(matcher.group(1))) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
