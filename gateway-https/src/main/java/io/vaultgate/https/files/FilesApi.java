package io.vaultgate.https.files;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.ProblemType;
import io.vaultgate.https.http.Reply;
import io.vaultgate.https.http.RequestPaths;
import io.vaultgate.https.http.Route;
import io.vaultgate.https.multipart.MultipartExchange;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code /v1/files/{path}}, where the path is relative to the principal's namespace
 * ({@code /v1/files/inbox/a.csv} is {@code /inbox/a.csv}): PUT uploads, POST of a multipart form uploads
 * its files into the directory, GET and HEAD download (a trailing slash lists a directory), DELETE deletes.
 */
public final class FilesApi {

    public static final String PREFIX = "/v1/files";
    static final String TEMPLATE = PREFIX + "/{path}";
    public static final List<Route> ROUTES = Stream.of(HttpMethod.PUT, HttpMethod.POST, HttpMethod.GET, HttpMethod.HEAD,
                    HttpMethod.DELETE)
            .map(method -> new Route(method, TEMPLATE)).toList();

    private final FileService files;
    private final IngestService ingest;
    private final Downloads downloads;
    private final long maxUploadBytes;
    private final SignedReceipts receipts;

    public FilesApi(FileService files, IngestService ingest, long maxUploadBytes, SignedReceipts receipts) {
        this.receipts = receipts;
        this.files = files;
        this.ingest = ingest;
        this.downloads = new Downloads(files);
        this.maxUploadBytes = maxUploadBytes;
    }

    /** @param rawPath the request path after {@link #PREFIX}, still percent-encoded */
    public Exchange handle(Reply reply, HttpRequest request, Principal principal, String rawPath) {
        VirtualPath path = RequestPaths.toVirtualPath(rawPath);
        HttpMethod method = request.method();
        if (HttpMethod.PUT.equals(method)) {
            return UploadExchange.start(reply, request, principal, path, files, ingest, maxUploadBytes, receipts);
        }
        if (HttpMethod.POST.equals(method)) {
            return MultipartExchange.start(reply, request, principal, path, ingest, maxUploadBytes, receipts);
        }
        if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
            downloads.respond(reply, request, principal, path, rawPath.isEmpty() || rawPath.endsWith("/"));
        } else if (HttpMethod.DELETE.equals(method)) {
            files.delete(principal, path);
            reply.send(reply.empty(HttpResponseStatus.NO_CONTENT));
        } else {
            throw new HttpProblem(ProblemType.METHOD_NOT_ALLOWED,
                    method + " is not allowed here", new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW, Route.allow(ROUTES, TEMPLATE)));
        }
        return Exchange.DISCARD;
    }
}
