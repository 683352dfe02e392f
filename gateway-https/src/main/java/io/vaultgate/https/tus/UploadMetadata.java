package io.vaultgate.https.tus;

import io.vaultgate.https.http.HttpProblem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** The tus {@code Upload-Metadata} header: comma-separated {@code key base64value} pairs (the value is optional). */
final class UploadMetadata {

    private UploadMetadata() {
    }

    static Map<String, String> parse(String header) {
        Map<String, String> metadata = new HashMap<>();
        if (header == null || header.isBlank()) {
            return metadata;
        }
        for (String pair : header.split(",")) {
            String[] parts = pair.trim().split(" ", -1);
            if (parts.length > 2 || parts[0].isEmpty()) {
                throw HttpProblem.badRequest("malformed Upload-Metadata: expected 'key base64value' pairs");
            }
            try {
                String value = parts.length == 2
                        ? new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8) : "";
                metadata.put(parts[0], value);
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("malformed Upload-Metadata: invalid base64 for " + parts[0]);
            }
        }
        return metadata;
    }
}
