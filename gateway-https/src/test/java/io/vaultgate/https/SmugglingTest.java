package io.vaultgate.https;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpResponse;
import io.vaultgate.https.testing.MemoryStore;
import io.vaultgate.https.testing.TokenAuthenticator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Framing tricks used for request smuggling and desync: each must be refused (4xx/5xx and the connection
 * closed), never stored and never followed by a second, smuggled request. (A folded header line is
 * joined with a space, as RFC 9112 allows, so folding cannot hide a framing header either.)
 */
class SmugglingTest {

    private static final String HEAD = "PUT /v1/files/inbox/x HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer "
            + TokenAuthenticator.TOKEN + "\r\n";
    private static final String SMUGGLED = "GET /v1/files/inbox/ HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer "
            + TokenAuthenticator.TOKEN + "\r\n\r\n";

    @ParameterizedTest
    @ValueSource(strings = {
        "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n",
        "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked, identity\r\n",
        "Transfer-Encoding: xchunked\r\n",
        "Transfer-Encoding: gzip, chunked\r\n",
        "Transfer-Encoding : chunked\r\n",
        "Transfer-Encoding:\tchunked\r\nTransfer-Encoding: identity\r\n",
        "Content-Length: 4\r\nContent-Length: 5\r\n",
        "Content-Length: +4\r\n",
        "Content-Length: 4, 5\r\n",
        "Transfer-Encoding: identity\r\n chunked\r\n",
    })
    void ambiguousFraming_isRefused(String framing) {
        MemoryStore store = new MemoryStore();
        Wire wire = new Wire(new TokenAuthenticator(), store, 1_000_000);

        List<FullHttpResponse> responses = wire.sendRaw(HEAD + framing + "\r\n0\r\n\r\n" + SMUGGLED);

        assertThat(responses).as(framing).hasSize(1);
        assertThat(responses.get(0).status().code()).as(framing).isBetween(400, 599);
        assertThat(store.files).isEmpty();
        wire.server.runPendingTasks();
        assertThat(wire.server.isOpen()).as(framing).isFalse();
    }

    /**
     * RFC 9112 9.6: after a response that closes the connection, no further request on it is processed. A
     * pipelining client takes such a request as unanswered and may send it again on a new connection.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "DELETE /v1/files/inbox/a HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n",
        "GET /v1/files/inbox/a HTTP/1.1\r\nHost: a\r\nConnection: close\r\n",
        "GET /v1/files/inbox/a HTTP/1.0\r\nHost: a\r\n",
    })
    void requestPipelinedBehindAClosingResponse_isNotProcessed(String first) {
        MemoryStore store = new MemoryStore();
        store.files.put(io.vaultgate.core.path.PathPolicy.parse("/inbox/a"), new byte[] {'a'});
        store.files.put(io.vaultgate.core.path.PathPolicy.parse("/inbox/b"), new byte[] {'b'});
        Wire wire = new Wire(new TokenAuthenticator(), store, 1_000_000);
        String body = first.contains("Content-Length: 3") ? "abc" : "";

        List<FullHttpResponse> responses = wire.sendRaw(first + "Authorization: Bearer " + TokenAuthenticator.TOKEN
                + "\r\n\r\n" + body + "DELETE /v1/files/inbox/b HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer "
                + TokenAuthenticator.TOKEN + "\r\n\r\n");

        assertThat(responses).as(first).hasSize(1);
        assertThat(store.files).as(first).containsKey(io.vaultgate.core.path.PathPolicy.parse("/inbox/b"));
        wire.server.runPendingTasks();
        assertThat(wire.server.isOpen()).as(first).isFalse();
    }
}
