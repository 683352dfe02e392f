package io.vaultgate.core.forward;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A site's answer to one request: status, header fields by lower-case name, the start of its body, and the
 * fingerprint of the certificate the site presented on that connection.
 */
record SiteAnswer(int status, Map<String, String> headers, String excerpt, Optional<String> siteCertificateSha256) {

    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** This answer, as received on {@code connection}. */
    SiteAnswer from(SiteConnection connection) {
        return new SiteAnswer(status, headers, excerpt, Optional.of(connection.siteCertificateSha256()));
    }
}
