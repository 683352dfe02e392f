package io.vaultgate.https.multipart;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.https.files.BodyWriter;
import io.vaultgate.https.files.ReceiptJson;
import io.vaultgate.https.files.SignedReceipts;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.Json;
import io.vaultgate.https.http.ProblemType;
import io.vaultgate.https.http.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/files/{dir}/} with a {@code multipart/form-data} body, as a browser form sends it: each
 * part with a filename streams into its own upload at {@code dir/filename} ({@link FormFileName}: a file name that
 * tries to leave the directory is refused and scored like such a path); other fields are ignored. All
 * files are committed together when the closing boundary has arrived, and all are aborted if anything
 * fails first, so a form upload is all-or-nothing like a PUT.
 */
public final class MultipartExchange implements Exchange, MultipartParser.Listener {

    static final int MAX_FILES = 32;

    private final Reply reply;
    private final Principal principal;
    private final VirtualPath directory;
    private final IngestService ingest;
    private final long maxBytes;
    private final MultipartParser parser;
    private final SignedReceipts receipts;
    private final List<Upload> uploads = new ArrayList<>();
    private final Set<VirtualPath> targets = new HashSet<>();
    private BodyWriter current;
    private long total;
    private boolean finished;

    private MultipartExchange(Reply reply, Principal principal, VirtualPath directory,
                              IngestService ingest, long maxBytes, String boundary, SignedReceipts receipts) {
        this.reply = reply;
        this.receipts = receipts;
        this.principal = principal;
        this.directory = directory;
        this.ingest = ingest;
        this.maxBytes = maxBytes;
        this.parser = new MultipartParser(boundary, this, reply.alloc());
    }

    public static MultipartExchange start(Reply reply, HttpRequest request,
                                          Principal principal, VirtualPath directory, IngestService ingest,
                                          long maxBytes, SignedReceipts receipts) {
        FormOrigin.requireSameOrigin(request.headers());
        Map<String, String> type = HeaderParameters.parse(request.headers().get(HttpHeaderNames.CONTENT_TYPE));
        if (!"multipart/form-data".equals(type.get("")) || type.get("boundary") == null) {
            throw new HttpProblem(ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "a POST body must be multipart/form-data with a boundary");
        }
        return new MultipartExchange(reply, principal, directory, ingest, maxBytes, type.get("boundary"),
                receipts);
    }

    @Override
    public void content(ByteBuf chunk) {
        total += chunk.readableBytes();
        if (total > maxBytes) {
            throw new HttpProblem(ProblemType.PAYLOAD_TOO_LARGE,
                    "request body is larger than allowed (" + maxBytes + " bytes)");
        }
        parser.feed(chunk);
    }

    @Override
    public void partStarted(Map<String, String> headers) {
        String filename = HeaderParameters.parse(headers.get("content-disposition")).get("filename");
        if (filename == null) {
            current = null;
            return;
        }
        if (uploads.size() == MAX_FILES) {
            throw HttpProblem.badRequest("at most " + MAX_FILES + " files per form upload");
        }
        VirtualPath target = FormFileName.resolve(directory, filename);
        if (!targets.add(target)) {
            // the second would silently replace the first, whose receipt the answer would still list
            throw HttpProblem.badRequest("the form has two files named " + target + "; each file name may appear once");
        }
        Upload upload = ingest.open(principal, target, UploadMode.CREATE);
        uploads.add(upload);
        current = new BodyWriter(upload, 0, maxBytes, bytes -> { });
    }

    @Override
    public void partData(ByteBuf data) {
        if (current != null) {
            current.write(data);
        }
    }

    @Override
    public void partEnded() {
        current = null;
    }

    @Override
    public void end(HttpHeaders trailers) {
        parser.finish();
        if (uploads.isEmpty()) {
            throw HttpProblem.badRequest("the form has no file part");
        }
        List<Receipt> committed = new ArrayList<>();
        for (Upload upload : uploads) {
            committed.add(upload.commit());
        }
        finished = true;
        release();
        reply.json(HttpResponseStatus.CREATED, Json.object(json -> {
            json.writeArrayFieldStart("files");
            for (Receipt receipt : committed) {
                json.writeRawValue(new String(ReceiptJson.of(receipt, receipts.signedText(receipt)),
                        StandardCharsets.UTF_8));
            }
            json.writeEndArray();
        }));
    }

    @Override
    public void cancel() {
        if (!finished) {
            finished = true;
            uploads.forEach(Upload::abort);
            release();
        }
    }

    private void release() {
        uploads.forEach(Upload::close);
        parser.release();
    }
}
