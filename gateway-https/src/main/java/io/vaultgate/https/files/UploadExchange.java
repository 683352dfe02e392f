package io.vaultgate.https.files;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.ingest.CommitChecks;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.ProblemType;
import io.vaultgate.https.http.Reply;
import io.vaultgate.https.http.RequestPaths;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * {@code PUT /v1/files/{path}}: the body streams through {@link Upload#write} chunk by chunk and is never
 * held whole. A {@code Content-Length} over the listener's or the tenant's limit is refused (413) before any
 * of the body is read. The announced {@code Content-Length} and any RFC 9530 digest are checked at the commit;
 * a mismatch aborts and nothing becomes visible. A plain PUT is all-or-nothing: if the connection drops
 * mid-body the upload is aborted, not suspended, because a PUT client retries the whole request (and
 * {@link UploadMode#CREATE} would discard a partial anyway); resumable uploads are tus's job.
 */
public final class UploadExchange implements Exchange {

    private final Reply reply;
    private final Upload upload;
    private final VirtualPath path;
    private final long declaredLength;
    private final AnnouncedDigests digests;
    private final Predicate<Optional<String>> replaces;
    private final BodyWriter writer;
    private final SignedReceipts receipts;
    private boolean finished;

    private UploadExchange(Reply reply, Upload upload, VirtualPath path, long declaredLength, AnnouncedDigests digests,
                           Predicate<Optional<String>> replaces, long maxBytes, SignedReceipts receipts) {
        this.reply = reply;
        this.path = path;
        this.receipts = receipts;
        this.upload = upload;
        this.declaredLength = declaredLength;
        this.digests = digests;
        this.replaces = replaces;
        this.writer = new BodyWriter(upload, 0, maxBytes, bytes -> { });
    }

    public static UploadExchange start(Reply reply, HttpRequest request, Principal principal, VirtualPath path,
                                       FileService files, IngestService ingest, long maxBytes,
                                       SignedReceipts receipts) {
        long declared = declaredLength(request);
        if (declared > maxBytes) {
            throw new HttpProblem(ProblemType.PAYLOAD_TOO_LARGE,
                    "request body is larger than allowed (" + maxBytes + " bytes)");
        }
        PutPreconditions.check(request.headers(), files, principal, path);
        AnnouncedDigests digests = AnnouncedDigests.of(request.headers());
        Upload upload = ingest.open(principal, path, UploadMode.CREATE, declared);
        return new UploadExchange(reply, upload, path, declared, digests, PutPreconditions.rule(request.headers()),
                maxBytes, receipts);
    }

    private static long declaredLength(HttpRequest request) {
        if (HttpUtil.isTransferEncodingChunked(request)) {
            return -1;
        }
        if (!request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            throw new HttpProblem(ProblemType.LENGTH_REQUIRED,
                    "an upload needs Content-Length or chunked Transfer-Encoding");
        }
        return HttpUtil.getContentLength(request, -1L);
    }

    @Override
    public void content(ByteBuf chunk) {
        writer.write(chunk);
    }

    @Override
    public void end(HttpHeaders trailers) {
        if (declaredLength >= 0 && writer.offset() != declaredLength) {
            throw new GatewayException(GatewayException.Reason.INVALID_REQUEST,
                    "body has " + writer.offset() + " bytes, Content-Length announced " + declaredLength);
        }
        Receipt receipt = upload.commit(CommitChecks.digests(digests.with(trailers)).replacingOnlyIf(replaces));
        finished = true;
        upload.close();
        HttpHeaders headers = new DefaultHttpHeaders()
                // the caller's own path (an operator's result is stored under the tenant's /outbox), URL-encoded
                .set(HttpHeaderNames.LOCATION, FilesApi.PREFIX + RequestPaths.percentEncode(path))
                .set(HttpHeaderNames.ETAG, Downloads.etag(receipt.sha256()));
        reply.json(HttpResponseStatus.CREATED, ReceiptJson.of(receipt, receipts.signedText(receipt)), headers);
    }

    @Override
    public void cancel() {
        if (!finished) {
            finished = true;
            try {
                upload.abort();
            } finally {
                upload.close();
            }
        }
    }
}
