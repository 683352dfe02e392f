package io.vaultgate.https.files;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * The SHA-256 values a client announced for a request body (RFC 9530 {@code Content-Digest} or
 * {@code Repr-Digest}, in headers or trailers). The core checks them at commit against the digest it computes
 * for the receipt anyway, so the body is hashed once; a mismatch discards the upload.
 */
final class AnnouncedDigests {

    private final List<byte[]> inHeaders;

    private AnnouncedDigests(List<byte[]> inHeaders) {
        this.inHeaders = inHeaders;
    }

    /** Parses the request's headers at once, so a malformed value is refused before the body is read. */
    static AnnouncedDigests of(HttpHeaders headers) {
        return new AnnouncedDigests(ContentDigest.sha256Values(headers));
    }

    /** Every announced value: those of the headers and those of the body's {@code trailers}. */
    List<byte[]> with(HttpHeaders trailers) {
        List<byte[]> all = new ArrayList<>(inHeaders);
        all.addAll(ContentDigest.sha256Values(trailers));
        return all;
    }
}
