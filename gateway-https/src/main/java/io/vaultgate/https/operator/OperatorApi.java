package io.vaultgate.https.operator;

import com.fasterxml.jackson.core.JsonGenerator;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.batch.BatchService;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.Json;
import io.vaultgate.https.http.ProblemType;
import io.vaultgate.https.http.Reply;
import io.vaultgate.https.http.Route;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The operator's batch workflow under {@code /v1/batches}: list the batches ready for its site (and those
 * it holds), claim one (a lease), complete it. The batch's files are read, and results written, through
 * {@code /v1/files/{tenant}/{batch}/...} like any other file; the core decides what an operator may see.
 * A claim refused because the tenant's data-handling policy is not acknowledged answers 403 with the
 * problem type {@code policy-not-acknowledged}; {@link PolicyApi} serves the policy and takes the
 * acknowledgement.
 */
public final class OperatorApi {

    public static final String PREFIX = "/v1/batches";
    static final String CLAIM = PREFIX + "/{id}/claim";
    static final String COMPLETE = PREFIX + "/{id}/complete";
    public static final List<Route> ROUTES = java.util.stream.Stream.concat(java.util.stream.Stream.of(
            new Route(HttpMethod.GET, PREFIX), new Route(HttpMethod.POST, CLAIM), new Route(HttpMethod.POST, COMPLETE)),
            PolicyApi.ROUTES.stream()).toList();

    private final Optional<BatchService> service;

    public OperatorApi(BatchService batches) {
        this.service = Optional.of(batches);
    }

    private OperatorApi() {
        this.service = Optional.empty();
    }

    /** For a listener started without the batch service: every batch route is not found. */
    public static OperatorApi disabled() {
        return new OperatorApi();
    }

    /** @param rest the path after {@link #PREFIX} */
    public Exchange handle(Reply reply, HttpRequest request, Principal principal, String rest) {
        BatchService batches = service.orElseThrow(
                () -> new HttpProblem(ProblemType.NO_ROUTE, "no such endpoint"));
        if (!(principal instanceof OperatorPrincipal operator)) {
            throw GatewayException.denied("batches");
        }
        HttpMethod method = request.method();
        if (rest.isEmpty() || rest.equals("/")) {
            requireMethod(method, HttpMethod.GET, PREFIX);
            List<Batch> available = batches.available(operator);
            reply.json(HttpResponseStatus.OK, Json.object(json -> {
                json.writeArrayFieldStart("batches");
                for (Batch batch : available) {
                    json.writeStartObject();
                    fields(json, batch);
                    json.writeEndObject();
                }
                json.writeEndArray();
            }));
            return Exchange.DISCARD;
        }
        String[] parts = rest.substring(1).split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty()) {
            throw new HttpProblem(ProblemType.NO_ROUTE, "no such endpoint");
        }
        Batch batch = switch (parts[1]) {
            case "claim" -> {
                requireMethod(method, HttpMethod.POST, CLAIM);
                yield batches.claim(operator, parts[0]);
            }
            case "complete" -> {
                requireMethod(method, HttpMethod.POST, COMPLETE);
                yield batches.complete(operator, parts[0]);
            }
            default -> throw new HttpProblem(ProblemType.NO_ROUTE, "no such endpoint");
        };
        reply.json(HttpResponseStatus.OK, Json.object(json -> fields(json, batch)));
        return Exchange.DISCARD;
    }

    /** The operator routes under {@link PolicyApi#PREFIX}. */
    public Exchange handlePolicy(Reply reply, HttpRequest request, Principal principal, String path) {
        BatchService batches = service.orElseThrow(
                () -> new HttpProblem(ProblemType.NO_ROUTE, "no such endpoint"));
        return new PolicyApi(batches.policies()).handle(reply, request, principal, path);
    }

    private static void fields(JsonGenerator json, Batch batch) throws IOException {
        json.writeStringField("id", batch.id());
        json.writeStringField("tenant", batch.tenant().value());
        json.writeStringField("site", batch.siteId());
        json.writeStringField("state", batch.state().name());
        json.writeNumberField("fileCount", batch.fileCount());
        json.writeNumberField("totalBytes", batch.totalBytes());
        if (batch.leaseExpiresAt().isPresent()) {
            json.writeStringField("leaseExpiresAt", batch.leaseExpiresAt().get().toString());
        }
        json.writeStringField("createdAt", batch.createdAt().toString());
        json.writeStringField("files", "/v1/files/" + batch.tenant().value() + "/" + batch.id() + "/");
    }

    private static void requireMethod(HttpMethod method, HttpMethod allowed, String template) {
        boolean headOfGet = HttpMethod.HEAD.equals(method) && HttpMethod.GET.equals(allowed); // Reply drops the body
        if (!allowed.equals(method) && !headOfGet) {
            throw new HttpProblem(ProblemType.METHOD_NOT_ALLOWED,
                    method + " is not allowed here", new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW,
                    Route.allow(ROUTES, template)));
        }
    }
}
