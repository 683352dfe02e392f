package io.vaultgate.https.admin;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.ProblemType;
import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/** Collects a small JSON request body (at most {@link #MAX_BYTES}), then hands it over parsed. */
final class JsonExchange implements Exchange {

    static final int MAX_BYTES = 64 * 1024;

    private final Consumer<JsonBody> handler;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    JsonExchange(Consumer<JsonBody> handler) {
        this.handler = handler;
    }

    @Override
    public void content(ByteBuf chunk) {
        if (body.size() + chunk.readableBytes() > MAX_BYTES) {
            throw new HttpProblem(ProblemType.PAYLOAD_TOO_LARGE,
                    "admin request bodies are at most " + MAX_BYTES + " bytes");
        }
        byte[] bytes = new byte[chunk.readableBytes()];
        chunk.readBytes(bytes);
        body.writeBytes(bytes);
    }

    @Override
    public void end(HttpHeaders trailers) {
        handler.accept(JsonBody.parse(body.toByteArray()));
    }

    @Override
    public void cancel() {
        body.reset();
    }
}
