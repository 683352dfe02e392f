package io.vaultgate.https.files;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.files.DirectoryPage;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.files.PageRequest;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.https.http.Reply;
import java.io.IOException;
import java.util.Date;
import java.util.Optional;

/**
 * {@code GET} and {@code HEAD} of a file: plaintext decrypted on the fly by {@link FileContent} and pulled
 * chunk by chunk as the connection drains. The {@code ETag} is the plaintext's SHA-256 (a strong
 * validator); {@code Range} asks for one span (206), {@code If-None-Match} and {@code If-Range} use the
 * ETag. A directory answers with a page of its listing.
 */
public final class Downloads {

    private final FileService files;

    public Downloads(FileService files) {
        this.files = files;
    }

    public static String etag(String sha256) {
        return "\"" + sha256 + "\"";
    }

    public void respond(Reply reply, HttpRequest request, Principal principal, VirtualPath path, boolean asDirectory) {
        if (asDirectory || path.isRoot()) {
            listing(reply, request, principal, path);
            return;
        }
        FileEntry entry = files.stat(principal, path);
        if (entry.directory()) {
            listing(reply, request, principal, path);
            return;
        }
        FileContent content = files.open(principal, path);
        try {
            serve(reply, request, content, entry);
        } catch (RuntimeException e) {
            closeQuietly(content, e);
            throw e;
        }
    }

    /**
     * One page of the directory ({@link ListingQuery}); when there are more, the body's {@code next} cursor and an
     * RFC 8288 {@code Link} header to the next page, with the same {@code limit}.
     */
    private void listing(Reply reply, HttpRequest request, Principal principal, VirtualPath path) {
        PageRequest asked = ListingQuery.parse(request.uri());
        DirectoryPage page = files.list(principal, path, asked);
        HttpHeaders headers = new DefaultHttpHeaders();
        page.next().ifPresent(next -> headers.set("link", "<" + new QueryStringDecoder(request.uri())
                .rawPath() + "?after=" + ListingQuery.cursor(next) + "&limit=" + asked.limit() + ">; rel=\"next\""));
        reply.json(HttpResponseStatus.OK, Listing.json(path, page), headers);
    }

    private static void serve(Reply reply, HttpRequest request, FileContent content, FileEntry entry) {
        String etag = etag(content.sha256());
        HttpHeaders headers = new DefaultHttpHeaders()
                .set(HttpHeaderNames.ETAG, etag)
                .set(HttpHeaderNames.LAST_MODIFIED, DateFormatter.format(Date.from(entry.modified())))
                .set(HttpHeaderNames.ACCEPT_RANGES, HttpHeaderValues.BYTES);
        HttpHeaders asked = request.headers();
        if (noneMatchFails(asked.get(HttpHeaderNames.IF_NONE_MATCH), etag)) {
            closeQuietly(content, null);
            reply.send(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED,
                    Unpooled.EMPTY_BUFFER, headers, new DefaultHttpHeaders()));
            return;
        }
        String ifRange = asked.get(HttpHeaderNames.IF_RANGE);
        long size = content.size();
        Optional<ByteRange> range = ifRange == null || ifRange.equals(etag)
                ? ByteRange.parse(asked.get(HttpHeaderNames.RANGE), size) : Optional.empty();
        long first = range.map(ByteRange::first).orElse(0L);
        long length = range.map(ByteRange::length).orElse(size);
        // a tenant's file is never rendered by a browser on the gateway's origin (no sniffing it into HTML)
        headers.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM)
                .set("x-content-type-options", "nosniff")
                .set(HttpHeaderNames.CONTENT_DISPOSITION, HttpHeaderValues.ATTACHMENT)
                .set(HttpHeaderNames.CONTENT_LENGTH, length)
                .set("repr-digest", ContentDigest.format(content.sha256()));
        range.ifPresent(r -> headers.set(HttpHeaderNames.CONTENT_RANGE, r.contentRange(size)));
        HttpResponseStatus status = range.isPresent() ? HttpResponseStatus.PARTIAL_CONTENT : HttpResponseStatus.OK;
        if (reply.isHead()) {
            closeQuietly(content, null);
            reply.send(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER, headers,
                    new DefaultHttpHeaders()));
            return;
        }
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, headers);
        reply.stream(head, new HttpChunkedInput(new FileContentInput(content, first, length)));
    }

    /**
     * Whether {@code If-None-Match} names the current representation (RFC 9110 13.1.2): {@code *}, or any tag of
     * its comma-separated list equal to {@code etag} by weak comparison ({@code W/"x"} matches {@code "x"}).
     */
    static boolean noneMatchFails(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        if (ifNoneMatch.trim().equals("*")) {
            return true;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String opaque = tag.trim();
            if (opaque.startsWith("W/")) {
                opaque = opaque.substring(2);
            }
            if (opaque.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(FileContent content, RuntimeException primary) {
        try {
            content.close();
        } catch (IOException | RuntimeException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            }
        }
    }
}
