package io.vaultgate.https.http;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder with the one smuggling pattern it tolerates turned into an error: a request
 * carrying both {@code Transfer-Encoding} and {@code Content-Length} is rejected (RFC 9112 6.1 allows
 * that), instead of being reinterpreted, because a proxy in front of us may have framed it the other way.
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {

    /** The message of the decoder failure for a request with both framings. */
    public static final String AMBIGUOUS_FRAMING = "both Transfer-Encoding and Content-Length are present";

    public StrictRequestDecoder(int maxUriLength, int maxHeaderBytes, int maxChunkBytes) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(maxUriLength)
                .setMaxHeaderSize(maxHeaderBytes)
                .setMaxChunkSize(maxChunkBytes)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true));
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new AmbiguousFraming();
    }

    /** The decoder failure for a request with both framings; its message is {@link #AMBIGUOUS_FRAMING}. */
    static final class AmbiguousFraming extends IllegalArgumentException {

        private AmbiguousFraming() {
            super(AMBIGUOUS_FRAMING);
        }
    }
}
