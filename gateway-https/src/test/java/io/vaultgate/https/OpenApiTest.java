package io.vaultgate.https;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.vaultgate.https.http.Route;
import io.vaultgate.https.testing.MemoryStore;
import io.vaultgate.https.testing.TokenAuthenticator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code /v1/openapi.yaml} describes exactly the routes the server answers. */
class OpenApiTest {

    @Test
    void everyRoute_isDocumented_andEveryDocumentedOperation_exists() throws IOException {
        Set<Route> documented = operations(document());

        assertThat(documented).containsExactlyInAnyOrderElementsOf(Routes.ALL);
    }

    @Test
    void theDocument_isServedWithoutCredentials() throws IOException {
        Wire wire = new Wire(new TokenAuthenticator(), new MemoryStore(), 1000);

        FullHttpResponse response = wire.send(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/v1/openapi.yaml")).get(0);

        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.headers().get("content-type")).isEqualTo("application/yaml");
        assertThat(Wire.body(response)).isEqualTo(document());
    }

    /** The (path, method) pairs under {@code paths:}: paths indented by two spaces, methods by four. */
    private static Set<Route> operations(String yaml) {
        Set<String> methods = Set.of("get", "head", "put", "post", "patch", "delete", "options");
        Set<Route> routes = new HashSet<>();
        String path = null;
        boolean inPaths = false;
        for (String line : yaml.split("\n")) {
            if (!line.startsWith(" ")) {
                inPaths = line.startsWith("paths:");
                continue;
            }
            if (!inPaths) {
                continue;
            }
            if (line.startsWith("  /")) {
                path = line.trim().replaceAll(":$", "");
            } else if (line.startsWith("    ") && !line.startsWith("     ")) {
                String key = line.trim().replaceAll(":.*$", "");
                if (methods.contains(key)) {
                    routes.add(new Route(HttpMethod.valueOf(key.toUpperCase(Locale.ROOT)), path));
                }
            }
        }
        return routes;
    }

    private static String document() throws IOException {
        try (InputStream in = OpenApi.class.getResourceAsStream(OpenApi.RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
