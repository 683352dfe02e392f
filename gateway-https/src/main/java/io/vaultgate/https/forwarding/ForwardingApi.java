package io.vaultgate.https.forwarding;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.forward.FileForwardingState;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.Json;
import io.vaultgate.https.http.ProblemType;
import io.vaultgate.https.http.Reply;
import io.vaultgate.https.http.RequestPaths;
import io.vaultgate.https.http.Route;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v1/forwarding/{path}}: where a client's own file went. One entry per BPO site the file is routed
 * to by a push route: its state (PENDING, IN_FLIGHT, DELIVERED, DEAD, ABANDONED), attempts, the next attempt's
 * time, once delivered the time and the SHA-256 the site computed, and once abandoned (its site was removed) the
 * time ({@code abandonedAt}). Only the file's owner sees it (the tenant's
 * outbox: any of its accounts); a site's error text stays with the administrators.
 */
public final class ForwardingApi {

    public static final String PREFIX = "/v1/forwarding";
    static final String FILE = PREFIX + "/{path}";
    public static final List<Route> ROUTES = List.of(new Route(HttpMethod.GET, FILE));

    private final Optional<FileForwardingState> state;

    public ForwardingApi(FileForwardingState state) {
        this.state = Optional.of(state);
    }

    private ForwardingApi() {
        this.state = Optional.empty();
    }

    /** For a listener started without forwarding: the route is not found. */
    public static ForwardingApi disabled() {
        return new ForwardingApi();
    }

    public static boolean owns(String path) {
        return path.startsWith(PREFIX + "/");
    }

    /** @param rawPath the request path after {@code /v1/forwarding/}, percent-encoded */
    public Exchange handle(Reply reply, HttpRequest request, Principal principal, String rawPath) {
        FileForwardingState forwarding = state.orElseThrow(
                () -> new HttpProblem(ProblemType.NO_ROUTE, "no such endpoint"));
        HttpMethod method = request.method();
        if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) { // Reply drops a HEAD's body
            throw new HttpProblem(ProblemType.METHOD_NOT_ALLOWED,
                    method + " is not allowed here", new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW,
                    Route.allow(ROUTES, FILE)));
        }
        VirtualPath path = RequestPaths.toVirtualPath(rawPath);
        FileForwardingState.Delivery delivery = forwarding.of(principal, path);
        reply.json(HttpResponseStatus.OK, Json.object(json -> {
            json.writeStringField("path", path.toString());
            json.writeStringField("fileId", delivery.file().id());
            json.writeArrayFieldStart("sites");
            for (ForwardJob job : delivery.jobs()) {
                json.writeStartObject();
                fields(json, job);
                json.writeEndObject();
            }
            json.writeEndArray();
        }));
        return Exchange.DISCARD;
    }

    private static void fields(JsonGenerator json, ForwardJob job) throws IOException {
        json.writeStringField("site", job.siteId());
        json.writeStringField("state", job.state().name());
        json.writeNumberField("attempts", job.attempts());
        json.writeStringField("queuedAt", job.createdAt().toString());
        if (job.deliveredAt().isPresent()) {
            json.writeStringField("deliveredAt", job.deliveredAt().get().toString());
        } else if (job.abandonedAt().isPresent()) {
            json.writeStringField("abandonedAt", job.abandonedAt().get().toString());
        } else if (job.state() != ForwardState.DEAD) {
            json.writeStringField("nextAttemptAt", job.nextAttemptAt().toString());
        }
        if (job.siteDigest().isPresent()) {
            json.writeStringField("siteSha256", job.siteDigest().get());
        }
    }
}
