package io.vaultgate.https.tus;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.https.files.BodyWriter;
import io.vaultgate.https.files.Downloads;
import io.vaultgate.https.files.ReceiptJson;
import io.vaultgate.https.files.SignedReceipts;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.ProblemType;
import io.vaultgate.https.http.Reply;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.function.LongSupplier;

/**
 * One tus {@code PATCH}: the body streams into the resumed upload from its offset. When the announced
 * length is reached the upload is committed; otherwise it is suspended again and the client continues
 * with another PATCH. A dropped connection suspends too (that is what tus is for). A checksum mismatch
 * aborts the whole upload (460): bytes are encrypted and stored as they arrive, so one chunk cannot be
 * taken back, and the client starts a new upload. So does a body going past Upload-Length under
 * Upload-Checksum (413); without a checksum the bytes before the chunk that crossed are kept.
 */
final class TusPatch implements Exchange {

    private final Reply reply;
    private final Upload upload;
    private final TusUploadId id;
    private final byte[] checksum;
    private final MessageDigest sha256;
    private final BodyWriter writer;
    /** Where this PATCH's body starts. */
    private final long start;
    private final LongSupplier storedOffset;
    private final SignedReceipts receipts;
    private boolean finished;

    TusPatch(Reply reply, Upload upload, TusUploadId id, TusChecksum checksum, LongSupplier storedOffset,
             SignedReceipts receipts) {
        this.reply = reply;
        this.receipts = receipts;
        this.upload = upload;
        this.id = id;
        this.checksum = checksum == null ? null : checksum.sha256();
        this.sha256 = checksum == null ? null : TusChecksum.newSha256();
        this.start = upload.resumeOffset();
        this.writer = new BodyWriter(upload, start, id.length(), this::observe);
        this.storedOffset = storedOffset;
    }

    private void observe(ByteBuffer bytes) {
        if (sha256 != null) {
            sha256.update(bytes);
        }
    }

    /**
     * Writes a body chunk. A chunk that would end past Upload-Length is refused (413) and nothing of it is
     * written; what came before it is kept, so the upload resumes from there, unless the PATCH carried
     * Upload-Checksum and wrote something: those bytes can no longer be verified against it, so the upload is
     * discarded, as for a mismatch.
     */
    @Override
    public void content(ByteBuf chunk) {
        try {
            writer.write(chunk);
        } catch (HttpProblem tooLarge) {
            if (checksum == null || writer.offset() == start) {
                throw tooLarge;
            }
            cancelWith(true);
            throw new HttpProblem(ProblemType.PAYLOAD_TOO_LARGE, "the PATCH body goes past Upload-Length "
                    + id.length() + ", so it cannot match its Upload-Checksum; the upload was discarded");
        }
    }

    @Override
    public void end(HttpHeaders trailers) {
        if (checksum != null && !MessageDigest.isEqual(checksum, sha256.digest())) {
            cancelWith(true);
            throw new HttpProblem(ProblemType.CHECKSUM_MISMATCH,
                    "Upload-Checksum does not match the body; the upload was discarded");
        }
        FullHttpResponse response = reply.empty(HttpResponseStatus.NO_CONTENT);
        if (writer.offset() == id.length()) {
            Receipt receipt = upload.commit();
            finished = true;
            upload.close();
            response.headers().set(HttpHeaderNames.ETAG, Downloads.etag(receipt.sha256()))
                    .set("Upload-Offset", receipt.size());
            receipts.signedText(receipt).ifPresent(text -> response.headers().set(ReceiptJson.HEADER, text));
        } else {
            cancelWith(false);
            response.headers().set("Upload-Offset", storedOffset.getAsLong());
        }
        reply.send(TusApi.tusHeaders(response));
    }

    @Override
    public void cancel() {
        cancelWith(false);
    }

    private void cancelWith(boolean abort) {
        if (finished) {
            return;
        }
        finished = true;
        try {
            if (abort) {
                upload.abort();
            } else {
                upload.suspend();
            }
        } finally {
            upload.close();
        }
    }
}
