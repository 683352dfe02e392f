package io.vaultgate.https.admin;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A path like {@code /v1/admin/tenants/{tenant}/accounts}: literal segments match themselves, a
 * {@code {name}} segment matches any one non-empty segment and is captured.
 */
record PathTemplate(String template) {

    /** The captured segments if {@code path} matches, percent-decoding left to the caller's validation. */
    Optional<Map<String, String>> match(String path) {
        String[] want = template.split("/", -1);
        String[] got = path.split("/", -1);
        if (want.length != got.length) {
            return Optional.empty();
        }
        Map<String, String> captured = new HashMap<>();
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith("{") && want[i].endsWith("}")) {
                if (got[i].isEmpty()) {
                    return Optional.empty();
                }
                captured.put(want[i].substring(1, want[i].length() - 1), got[i]);
            } else if (!want[i].equals(got[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(captured);
    }
}
