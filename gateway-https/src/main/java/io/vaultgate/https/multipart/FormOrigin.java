package io.vaultgate.https.multipart;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.ProblemType;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses a form upload that a browser sends on behalf of a page of another site (cross-site request forgery).
 * A {@code multipart/form-data} POST is a "simple" request: any page can make a browser send one, without a CORS
 * preflight, and with the credentials the browser holds for the gateway (a cached Basic login, a client
 * certificate). Browsers say where it came from: {@code Sec-Fetch-Site}, else {@code Origin}; a request with
 * neither (curl, scripts) is not a browser's and passes.
 */
final class FormOrigin {

    private static final Set<String> OWN = Set.of("same-origin", "none");

    private FormOrigin() {
    }

    static void requireSameOrigin(HttpHeaders headers) {
        String fetchSite = headers.get("Sec-Fetch-Site");
        if (fetchSite != null) {
            if (!OWN.contains(fetchSite.trim().toLowerCase(Locale.ROOT))) {
                throw refused();
            }
            return;
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !authority(origin).equalsIgnoreCase(String.valueOf(headers.get(HttpHeaderNames.HOST)))) {
            throw refused();
        }
    }

    private static String authority(String origin) {
        try {
            String authority = URI.create(origin.trim()).getRawAuthority();
            return authority == null ? "" : authority;
        } catch (IllegalArgumentException notAnOrigin) { // "null" (sandboxed pages, redirects) lands here too
            return "";
        }
    }

    private static HttpProblem refused() {
        return new HttpProblem(ProblemType.CROSS_SITE_FORM,
                "form uploads from pages of another site are refused; upload from the gateway's own page or with a "
                        + "client that sends no Origin");
    }
}
