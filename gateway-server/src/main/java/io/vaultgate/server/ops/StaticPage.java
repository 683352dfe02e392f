package io.vaultgate.server.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The status page's static files, read once from {@code /ops/} on the class path. They hold no data: the
 * page's script asks for a monitor's or an administrator's token ({@link AdminTokenFilter} admits either to
 * {@code /status.json} and {@code /metrics} only) and sends it with every {@code /status.json} request, so the
 * shell itself needs none (a browser cannot add a bearer header to a plain page load).
 */
final class StaticPage {

    private static final Map<String, String> FILES = Map.of(
            "/status", "status.html",
            "/status.js", "status.js",
            "/status.css", "status.css");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");

    private final Map<String, Route> routes;

    StaticPage() {
        this.routes = FILES.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey,
                e -> Route.immediate(page(e.getValue()))));
    }

    private static Reply page(String file) {
        return Reply.of(200, TYPES.get(file.substring(file.lastIndexOf('.') + 1)), read(file))
                .withHeader("Content-Security-Policy",
                        "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'");
    }

    /** Each file by its path, answered from memory. */
    Map<String, Route> routes() {
        return routes;
    }

    private static byte[] read(String name) {
        try (InputStream in = StaticPage.class.getResourceAsStream("/ops/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the status page resource /ops/" + name + " is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
