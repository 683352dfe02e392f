package io.vaultgate.server.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Key-name helpers: "did you mean" suggestions and the environment-variable form of a key. */
final class KeyNames {
    static final String ENV_PREFIX = "VAULTGATE_";

    private KeyNames() {
    }

    /** {@code sftp.max-auth-attempts} → {@code VAULTGATE_SFTP_MAX_AUTH_ATTEMPTS}. */
    static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * The known name a mistyped one most likely meant: same letters in another case or style, or 1–2 edits
     * (only 1 for names of up to three letters, where two edits turn almost anything into anything: tls, ops).
     */
    static Optional<String> closest(String typed, List<String> known) {
        String plain = plain(typed);
        String best = null;
        int bestDistance = typed.length() <= 3 ? 2 : 3;
        for (String candidate : known) {
            int d = plain(candidate).equals(plain) ? 0 : distance(typed.toLowerCase(Locale.ROOT), candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String plain(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
