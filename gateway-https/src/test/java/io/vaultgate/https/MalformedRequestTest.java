package io.vaultgate.https;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpResponse;
import io.vaultgate.https.testing.MemoryStore;
import io.vaultgate.https.testing.TokenAuthenticator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests no well-behaved client sends: each gets one error response and the connection closes. */
class MalformedRequestTest {

    private static final String AUTH = "Authorization: Bearer " + TokenAuthenticator.TOKEN + "\r\n";

    private final MemoryStore store = new MemoryStore();
    private final Wire wire = new Wire(new TokenAuthenticator(), store, 1_000_000);

    @Test
    void contentLengthAndTransferEncodingTogether_isRefused_andNothingIsUploaded() {
        List<FullHttpResponse> responses = wire.sendRaw("PUT /v1/files/inbox/x HTTP/1.1\r\nHost: a\r\n" + AUTH
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n");

        assertRefused(responses, 400);
        assertThat(store.uploads).isEmpty();
    }

    @Test
    void conflictingContentLengths_areRefused() {
        assertRefused(wire.sendRaw("PUT /v1/files/inbox/x HTTP/1.1\r\nHost: a\r\n" + AUTH
                + "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcd"), 400);
    }

    @Test
    void badChunkSize_failsTheUpload_andAbortsIt() {
        List<FullHttpResponse> responses = wire.sendRaw("PUT /v1/files/inbox/x HTTP/1.1\r\nHost: a\r\n" + AUTH
                + "Transfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\nZZ\r\nxx\r\n0\r\n\r\n");

        assertRefused(responses, 400);
        assertThat(store.uploads).singleElement().satisfies(u -> assertThat(u.ending).isEqualTo("aborted"));
        assertThat(store.files).isEmpty();
    }

    @Test
    void oversizedHeaders_are431() {
        assertRefused(wire.sendRaw("GET /v1/files/inbox/ HTTP/1.1\r\nHost: a\r\nX-Big: " + "a".repeat(4000)
                + "\r\n\r\n"), 431);
    }

    @Test
    void overlongRequestLine_is414() {
        assertRefused(wire.sendRaw("GET /v1/files/inbox/" + "a".repeat(2000) + " HTTP/1.1\r\nHost: a\r\n\r\n"), 414);
    }

    @Test
    void anHttpVersionOtherThan1_is505_beforeAnythingIsDone() {
        store.files.put(io.vaultgate.core.path.PathPolicy.parse("/inbox/x"), new byte[] {1});

        assertRefused(wire.sendRaw("DELETE /v1/files/inbox/x HTTP/2.0\r\nHost: a\r\n" + AUTH + "\r\n"), 505);
        assertThat(store.files).containsKey(io.vaultgate.core.path.PathPolicy.parse("/inbox/x"));
    }

    @Test
    void garbageRequestLine_is400() {
        assertRefused(wire.sendRaw("HELLO\r\n\r\n"), 400);
    }

    @Test
    void encodedTraversal_isRefusedByThePathPolicy() {
        List<FullHttpResponse> responses = wire.sendRaw("GET /v1/files/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: a\r\n"
                + AUTH + "\r\n");

        assertThat(responses.get(0).status().code()).isEqualTo(400);
        assertThat(Wire.body(responses.get(0))).contains("invalid-path").doesNotContain("Exception");
    }

    @Test
    void aMalformedHeader_isAnsweredWithAFixedDetail_notTheDecodersExceptionMessage() {
        // Netty's failure message quotes the value back: "Content-Length value is not a number: 12<b>x"
        List<FullHttpResponse> responses = wire.sendRaw("PUT /v1/files/inbox/x HTTP/1.1\r\nHost: a\r\n" + AUTH
                + "Content-Length: 12<b>x\r\n\r\n");

        assertRefused(responses, 400);
        assertThat(Wire.body(responses.get(0)))
                .contains("\"type\":\"urn:vaultgate:problem:bad-request\"")
                .contains("\"detail\":\"malformed request line or headers\"")
                .doesNotContain("<b>").doesNotContain("not a number");
    }

    @Test
    void aBrokenChunkSize_isAnsweredWithAFixedDetail_notTheDecodersExceptionMessage() {
        List<FullHttpResponse> responses = wire.sendRaw("PUT /v1/files/inbox/x HTTP/1.1\r\nHost: a\r\n" + AUTH
                + "Transfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\nZZ<b>\r\nxx\r\n0\r\n\r\n");

        assertRefused(responses, 400);
        assertThat(Wire.body(responses.get(0)))
                .contains("\"detail\":\"malformed chunked body\"")
                .doesNotContain("ZZ").doesNotContain("Invalid character");
    }

    @Test
    void bothFramings_areNamedAsTheCause() {
        List<FullHttpResponse> responses = wire.sendRaw("PUT /v1/files/inbox/x HTTP/1.1\r\nHost: a\r\n" + AUTH
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");

        assertRefused(responses, 400);
        assertThat(Wire.body(responses.get(0)))
                .contains("\"detail\":\"both Transfer-Encoding and Content-Length are present\"");
    }

    private void assertRefused(List<FullHttpResponse> responses, int status) {
        assertThat(responses).hasSize(1);
        assertThat(responses.get(0).status().code()).isEqualTo(status);
        assertThat(responses.get(0).headers().get("connection")).isEqualTo("close");
        wire.server.runPendingTasks();
        assertThat(wire.server.isOpen()).isFalse();
    }
}
