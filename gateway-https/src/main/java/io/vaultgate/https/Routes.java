package io.vaultgate.https;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.https.admin.AdminApi;
import io.vaultgate.https.auth.HttpAuthentication;
import io.vaultgate.https.auth.TokenApi;
import io.vaultgate.https.files.FilesApi;
import io.vaultgate.https.forwarding.ForwardingApi;
import io.vaultgate.https.http.Dispatcher;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.Peer;
import io.vaultgate.https.http.ProblemType;
import io.vaultgate.https.http.Reply;
import io.vaultgate.https.http.Route;
import io.vaultgate.https.operator.OperatorApi;
import io.vaultgate.https.operator.PolicyApi;
import io.vaultgate.https.tus.TusApi;
import java.util.List;
import java.util.stream.Stream;

/** The route table: authenticate, then hand the request to the API area that owns its path. */
final class Routes implements Dispatcher {

    /** Every method and path the API answers; each must appear in {@code openapi.yaml}. */
    static final List<Route> ALL = Stream.of(List.of(new Route(HttpMethod.GET, OpenApi.PATH)), FilesApi.ROUTES,
            TusApi.ROUTES, OperatorApi.ROUTES, AdminApi.ROUTES, TokenApi.ROUTES, ForwardingApi.ROUTES).flatMap(List::stream).toList();

    private final HttpAuthentication authentication;
    private final FilesApi files;
    private final TusApi tus;
    private final OperatorApi operators;
    private final AdminApi admin;
    private final OpenApi openApi = new OpenApi();
    private final TokenApi tokens;
    private final ForwardingApi forwarding;

    Routes(HttpAuthentication authentication, FilesApi files, TusApi tus, OperatorApi operators, AdminApi admin,
           ForwardingApi forwarding) {
        this.authentication = authentication;
        this.files = files;
        this.tus = tus;
        this.operators = operators;
        this.admin = admin;
        this.tokens = new TokenApi(authentication);
        this.forwarding = forwarding;
    }

    @Override
    public Exchange dispatch(Reply reply, HttpRequest request, Peer peer) {
        String path = new QueryStringDecoder(request.uri()).rawPath();
        if (path.equals(OpenApi.PATH) && (HttpMethod.GET.equals(request.method())
                || HttpMethod.HEAD.equals(request.method()))) {
            openApi.respond(reply);
            return Exchange.DISCARD;
        }
        boolean uploads = path.equals(TusApi.PREFIX) || path.startsWith(TusApi.PREFIX + "/");
        if (uploads) {
            TusApi.markEveryResponse(reply);
        }
        if (uploads && HttpMethod.OPTIONS.equals(request.method())) {
            tus.options(reply);
            return Exchange.DISCARD;
        }
        if (TokenApi.owns(path)) {
            return tokens.handle(reply, request, peer, path);
        }
        Principal principal = authentication.authenticate(request.headers(), peer);
        if (path.equals(FilesApi.PREFIX) || path.startsWith(FilesApi.PREFIX + "/")) {
            String rest = path.substring(FilesApi.PREFIX.length());
            return files.handle(reply, request, principal, rest.isEmpty() ? "" : rest.substring(1));
        }
        if (uploads) {
            return tus.handle(reply, request, principal, path.substring(TusApi.PREFIX.length()));
        }
        if (ForwardingApi.owns(path)) {
            return forwarding.handle(reply, request, principal, path.substring(ForwardingApi.PREFIX.length() + 1));
        }
        if (path.equals(OperatorApi.PREFIX) || path.startsWith(OperatorApi.PREFIX + "/")) {
            return operators.handle(reply, request, principal, path.substring(OperatorApi.PREFIX.length()));
        }
        if (PolicyApi.owns(path)) {
            return operators.handlePolicy(reply, request, principal, path);
        }
        if (path.equals(AdminApi.PREFIX) || path.startsWith(AdminApi.PREFIX + "/")) {
            return admin.handle(reply, request, principal, path);
        }
        throw new HttpProblem(ProblemType.NO_ROUTE, "no such endpoint");
    }
}
