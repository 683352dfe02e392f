package io.vaultgate.https.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.Collection;
import java.util.Objects;
import java.util.stream.Collectors;

/** One method and path template the API answers, as declared in {@code /v1/openapi.yaml}. */
public record Route(HttpMethod method, String template) {

    public Route {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(template, "template");
    }

    /** The {@code Allow} header value for the routes of one template. */
    public static String allow(Collection<Route> routes, String template) {
        return routes.stream().filter(r -> r.template.equals(template)).map(r -> r.method.name())
                .collect(Collectors.joining(", "));
    }
}
