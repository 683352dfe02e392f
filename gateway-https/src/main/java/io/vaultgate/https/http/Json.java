package io.vaultgate.https.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Small JSON bodies written with Jackson's streaming generator; escaping is Jackson's job, not ours. */
public final class Json {

    private static final JsonFactory FACTORY = new JsonFactory();

    /** Writes the fields of one JSON object. */
    @FunctionalInterface
    public interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private Json() {
    }

    public static byte[] object(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            body.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * {@code json} as a response body: ended by a newline, so that the shell prompt after {@code curl} starts on a
     * line of its own, as after any text a command prints. JSON allows the whitespace; parsers ignore it.
     */
    static byte[] responseBody(byte[] json) {
        if (json.length > 0 && json[json.length - 1] == '\n') {
            return json;
        }
        byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        return line;
    }
}
