package io.vaultgate.core.audit.json;

/** Text that is not the JSON this package reads; the message names the problem and the offset. */
public final class JsonException extends IllegalArgumentException {
    public JsonException(String message) {
        super(message);
    }
}
