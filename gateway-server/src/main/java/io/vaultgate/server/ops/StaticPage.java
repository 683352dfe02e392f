package io.vaultgate.server.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The status page's static files, read once from {@code /ops/} on the class path. They hold no data: the
 * page's script asks for the administrator token and sends it with every {@code /status.json} request, so
 * the shell itself needs none (a browser cannot add a bearer header to a plain page load).
 */
final class StaticPage implements HttpHandler {

    private static final Map<String, String> FILES = Map.of(
            "/status", "status.html",
            "/status.js", "status.js",
            "/status.css", "status.css");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8");

    private final Map<String, byte[]> bodies;

    StaticPage() {
        this.bodies = FILES.entrySet().stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> read(e.getValue())));
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!Exchanges.readOnly(exchange)) {
            return;
        }
        String path = exchange.getRequestURI().getPath();
        byte[] body = bodies.get(path);
        if (body == null) {
            Exchanges.text(exchange, 404, "not found\n");
            return;
        }
        String file = FILES.get(path);
        exchange.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'");
        Exchanges.send(exchange, 200, TYPES.get(file.substring(file.lastIndexOf('.') + 1)), body);
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
