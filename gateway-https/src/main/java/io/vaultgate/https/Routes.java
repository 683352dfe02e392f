package io.vaultgate.https;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.https.auth.HttpAuthentication;
import io.vaultgate.https.files.FilesApi;
import io.vaultgate.https.http.Dispatcher;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.Reply;
import io.netty.handler.codec.http.HttpResponseStatus;

/** The route table: authenticate, then hand the request to the API area that owns its path. */
final class Routes implements Dispatcher {

    private final HttpAuthentication authentication;
    private final FilesApi files;

    Routes(HttpAuthentication authentication, FilesApi files) {
        this.authentication = authentication;
        this.files = files;
    }

    @Override
    public Exchange dispatch(Reply reply, HttpRequest request, String source) {
        String path = new QueryStringDecoder(request.uri()).rawPath();
        Principal principal = authentication.authenticate(request.headers(), source);
        if (path.equals(FilesApi.PREFIX) || path.startsWith(FilesApi.PREFIX + "/")) {
            String rest = path.substring(FilesApi.PREFIX.length());
            return files.handle(reply, request, principal, rest.isEmpty() ? "" : rest.substring(1));
        }
        throw new HttpProblem(HttpResponseStatus.NOT_FOUND, "no-route", "no such endpoint");
    }
}
