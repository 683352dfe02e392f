package io.vaultgate.https.tus;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.ingest.UploadProgress;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.https.files.SignedReceipts;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.PathEscape;
import io.vaultgate.https.http.ProblemType;
import io.vaultgate.https.http.Reply;
import io.vaultgate.https.http.RequestPaths;
import io.vaultgate.https.http.Route;
import java.util.List;
import java.util.Map;

/**
 * Resumable uploads with tus 1.0.0 (core, creation, termination and checksum extensions) under
 * {@code /v1/uploads}. Creation opens an upload in the core and suspends it at once, so the partial and its
 * offset live in the core: HEAD reads the offset from there, PATCH resumes it ({@link UploadMode#RESUME}),
 * DELETE aborts it. The target path comes from the {@code path} metadata (relative to the caller's root,
 * e.g. {@code inbox/a.csv}) or the {@code filename} metadata (placed in {@code /inbox}; one with {@code ..} or a
 * NUL is refused and scored as a path escape, {@link PathEscape#fileName}). The upload URL carries
 * the announced length under a MAC ({@link TusUrls}), so the length every PATCH is held to is the one checked
 * against {@code maxUploadBytes} and the tenant's maximum file size at creation.
 */
public final class TusApi {

    public static final String PREFIX = "/v1/uploads";
    static final String VERSION = "1.0.0";
    static final String OFFSET_STREAM = "application/offset+octet-stream";
    static final String CREATION = PREFIX;
    static final String UPLOAD = PREFIX + "/{id}";
    public static final List<Route> ROUTES = List.of(new Route(HttpMethod.OPTIONS, CREATION),
            new Route(HttpMethod.POST, CREATION), new Route(HttpMethod.HEAD, UPLOAD), new Route(HttpMethod.PATCH, UPLOAD),
            new Route(HttpMethod.DELETE, UPLOAD));

    private final IngestService ingest;
    private final long maxUploadBytes;
    private final SignedReceipts receipts;
    private final TusUrls urls;

    public TusApi(IngestService ingest, long maxUploadBytes, SignedReceipts receipts, TusUrls urls) {
        this.receipts = receipts;
        this.ingest = ingest;
        this.maxUploadBytes = maxUploadBytes;
        this.urls = urls;
    }

    /** Capability discovery; needs no credentials. */
    public void options(Reply reply) {
        FullHttpResponse response = reply.empty(HttpResponseStatus.NO_CONTENT);
        response.headers().set("Tus-Version", VERSION).set("Tus-Extension", "creation,termination,checksum")
                .set("Tus-Max-Size", maxUploadBytes).set("Tus-Checksum-Algorithm", TusChecksum.ALGORITHMS);
        reply.send(tusHeaders(response));
    }

    /** @param rest the path after {@link #PREFIX}: empty for creation, {@code /{id}} for an upload */
    public Exchange handle(Reply reply, HttpRequest request, Principal principal, String rest) {
        HttpHeaders headers = request.headers();
        if (!VERSION.equals(headers.get("Tus-Resumable"))) {
            throw new HttpProblem(ProblemType.TUS_VERSION,
                    "Tus-Resumable: " + VERSION + " is required", new DefaultHttpHeaders().set("Tus-Version", VERSION));
        }
        HttpMethod method = effectiveMethod(request);
        if (rest.isEmpty() || rest.equals("/")) {
            if (!HttpMethod.POST.equals(method)) {
                throw notAllowed(method, CREATION);
            }
            create(reply, headers, principal);
            return Exchange.DISCARD;
        }
        TusUploadId id = urls.decode(rest.substring(1));
        if (HttpMethod.HEAD.equals(method)) {
            FullHttpResponse response = reply.empty(HttpResponseStatus.OK);
            response.headers().set("Upload-Offset", offset(principal, id)).set("Upload-Length", id.length())
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            reply.send(tusHeaders(response));
        } else if (HttpMethod.PATCH.equals(method)) {
            return patch(reply, request, principal, id);
        } else if (HttpMethod.DELETE.equals(method)) {
            Upload upload = resume(principal, id);
            upload.abort();
            upload.close();
            reply.send(tusHeaders(reply.empty(HttpResponseStatus.NO_CONTENT)));
        } else {
            throw notAllowed(method, UPLOAD);
        }
        return Exchange.DISCARD;
    }

    private void create(Reply reply, HttpHeaders headers, Principal principal) {
        long length = headerNumber(headers, "Upload-Length");
        refuseAboveLimit(length);
        Map<String, String> metadata = UploadMetadata.parse(headers.get("Upload-Metadata"));
        String target = metadata.containsKey("path") ? metadata.get("path")
                : metadata.containsKey("filename") ? "inbox/" + PathEscape.fileName(metadata.get("filename")) : null;
        if (target == null) {
            throw HttpProblem.badRequest("Upload-Metadata needs 'path' (e.g. inbox/a.csv) or 'filename'");
        }
        // metadata values are base64, not URL-encoded: hand them to the path policy as they are
        VirtualPath path = RequestPaths.parse("/" + target);
        Upload upload = ingest.open(principal, path, UploadMode.CREATE, length);
        TusUploadId id = new TusUploadId(length, upload.fileId(), path);
        try {
            if (length == 0) {
                upload.commit();
            } else {
                upload.suspend();
            }
        } finally {
            upload.close();
        }
        FullHttpResponse response = reply.empty(HttpResponseStatus.CREATED);
        response.headers().set(HttpHeaderNames.LOCATION, PREFIX + "/" + urls.encode(id));
        reply.send(tusHeaders(response));
    }

    private Exchange patch(Reply reply, HttpRequest request, Principal principal, TusUploadId id) {
        HttpHeaders headers = request.headers();
        if (!OFFSET_STREAM.equals(headers.get(HttpHeaderNames.CONTENT_TYPE))) {
            throw new HttpProblem(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "a PATCH body must be " + OFFSET_STREAM);
        }
        long offset = headerNumber(headers, "Upload-Offset");
        refuseAboveLimit(id.length()); // the limit may have been lowered since the upload was created
        long announced = HttpUtil.getContentLength(request, -1L);
        if (offset <= id.length() && announced > id.length() - offset) {
            // refused before the upload is resumed and, with Expect: 100-continue, before the body is sent
            throw new HttpProblem(ProblemType.PAYLOAD_TOO_LARGE, "the PATCH body "
                    + "would end at " + (offset + announced) + ", past Upload-Length " + id.length());
        }
        TusChecksum checksum = TusChecksum.of(headers);
        Upload upload = resume(principal, id);
        if (upload.resumeOffset() != offset) {
            long stored = upload.resumeOffset();
            upload.suspend();
            upload.close();
            throw new HttpProblem(ProblemType.OFFSET_MISMATCH, "Upload-Offset is " + offset
                    + " but the upload continues at " + stored);
        }
        return new TusPatch(reply, upload, id, checksum, () -> offset(principal, id), receipts);
    }

    /** Resumes the upload the URL names; unknown if the caller's partial at the path is another upload. */
    private Upload resume(Principal principal, TusUploadId id) {
        Upload upload = ingest.open(principal, id.path(), UploadMode.RESUME);
        if (!id.names(upload.fileId())) {
            upload.suspend();
            upload.close();
            throw GatewayException.notFound("upload (the path has a newer upload since)");
        }
        return upload;
    }

    /** Where the upload continues: the partial's stored size, or its length once it was committed. */
    private long offset(Principal principal, TusUploadId id) {
        return ingest.progress(principal, id.path(), id.fileId()).map(UploadProgress::size)
                .orElseThrow(() -> GatewayException.notFound("upload"));
    }

    private void refuseAboveLimit(long length) {
        if (length > maxUploadBytes) {
            throw new HttpProblem(ProblemType.PAYLOAD_TOO_LARGE,
                    "Upload-Length is larger than allowed (" + maxUploadBytes + " bytes)");
        }
    }

    /** tus: "The Tus-Resumable header MUST be included in every request and response", refusals included. */
    public static void markEveryResponse(Reply reply) {
        reply.setOnEveryResponse("Tus-Resumable", VERSION);
    }

    static FullHttpResponse tusHeaders(FullHttpResponse response) {
        response.headers().set("Tus-Resumable", VERSION);
        return response;
    }

    /** The tus Java client (like other HttpURLConnection users) sends PATCH and DELETE as overridden POSTs. */
    private static HttpMethod effectiveMethod(HttpRequest request) {
        String override = request.headers().get("X-HTTP-Method-Override");
        if (!HttpMethod.POST.equals(request.method()) || override == null) {
            return request.method();
        }
        try {
            return HttpMethod.valueOf(override.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException notAToken) {
            throw HttpProblem.badRequest("X-HTTP-Method-Override must name one method, e.g. PATCH");
        }
    }

    private static long headerNumber(HttpHeaders headers, String name) {
        String value = headers.get(name);
        if (value == null || value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
            throw HttpProblem.badRequest(name + " must be a non-negative integer");
        }
        return Long.parseLong(value);
    }

    private static HttpProblem notAllowed(HttpMethod method, String template) {
        return new HttpProblem(ProblemType.METHOD_NOT_ALLOWED,
                method + " is not allowed here", new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW,
                Route.allow(ROUTES, template)));
    }
}
