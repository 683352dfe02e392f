package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.testing.CatalogIndependent;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link AnswerReader} on well-formed and malformed answers: what it returns, what it refuses, and whether it
 * lets the connection carry another request (only when the answer's framing was read exactly to its end).
 */
@CatalogIndependent
class AnswerReaderTest {

    private static final String DIGEST = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
    private static final String NEXT = "HTTP/1.1 200 OK\r\n";

    @Test
    void answerWithContentLength_isReadToItsEnd_andTheConnectionReusable() throws IOException {
        InputStream in = stream("HTTP/1.1 201 Created\r\nRepr-Digest: " + DIGEST + "\r\nContent-Length: 5\r\n\r\nhello"
                + NEXT);

        AnswerReader.Reading reading = AnswerReader.read(in, true);

        assertThat(reading.answer().status()).isEqualTo(201);
        assertThat(reading.answer().header("Repr-Digest")).contains(DIGEST);
        assertThat(reading.answer().excerpt()).isEqualTo("hello");
        assertThat(reading.reusable()).isTrue();
        assertThat(rest(in)).as("nothing of the next answer consumed").isEqualTo(NEXT);
    }

    @Test
    void interimAnswers_areSkipped() throws IOException {
        AnswerReader.Reading reading = AnswerReader.read(stream("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), true);

        assertThat(reading.answer().status()).isEqualTo(200);
        assertThat(reading.reusable()).isTrue();
    }

    @Test
    void chunkedAnswer_isReadToItsEnd_trailersSkipped_andTheConnectionReusable() throws IOException {
        InputStream in = stream("HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n" + NEXT);

        AnswerReader.Reading reading = AnswerReader.read(in, true);

        assertThat(reading.answer().excerpt()).isEqualTo("hello world");
        assertThat(reading.reusable()).isTrue();
        assertThat(rest(in)).isEqualTo(NEXT);
    }

    @Test
    void answerWithoutBody_204_isReusable() throws IOException {
        InputStream in = stream("HTTP/1.1 204 No Content\r\n\r\n" + NEXT);

        assertThat(AnswerReader.read(in, true).reusable()).isTrue();
        assertThat(rest(in)).isEqualTo(NEXT);
    }

    @Test
    void longBody_keepsItsFirst200Bytes_andDrainsTheRest() throws IOException {
        String body = "x".repeat(150) + "y".repeat(10_000);
        InputStream in = stream("HTTP/1.1 500 Oops\r\nContent-Length: " + body.length() + "\r\n\r\n" + body + NEXT);

        AnswerReader.Reading reading = AnswerReader.read(in, true);

        assertThat(reading.answer().excerpt()).isEqualTo(body.substring(0, AnswerReader.EXCERPT));
        assertThat(reading.reusable()).isTrue();
        assertThat(rest(in)).isEqualTo(NEXT);
    }

    @Test
    void bodyOverTheDrainLimit_isNotReadToItsEnd_andTheConnectionClosed() throws IOException {
        long length = AnswerReader.MAX_DRAIN + 10;
        AnswerReader.Reading reading = AnswerReader.read(stream("HTTP/1.1 500 Oops\r\nContent-Length: " + length
                + "\r\n\r\n" + "z".repeat((int) length)), true);

        assertThat(reading.answer().status()).isEqualTo(500);
        assertThat(reading.reusable()).isFalse();
    }

    @Test
    void answerWithoutLength_isReadUntilTheSiteCloses_andNotReused() throws IOException {
        AnswerReader.Reading reading = AnswerReader.read(stream("HTTP/1.1 200 OK\r\n\r\nall of it"), true);

        assertThat(reading.answer().excerpt()).isEqualTo("all of it");
        assertThat(reading.reusable()).isFalse();
    }

    @Test
    void http10Answer_isNotReused() throws IOException {
        assertThat(AnswerReader.read(stream("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"), true).reusable())
                .isFalse();
    }

    @Test
    void connectionClose_isNotReused() throws IOException {
        assertThat(AnswerReader.read(stream("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n"),
                true).reusable()).isFalse();
    }

    @Test
    void connectionCloseAmongOtherOptions_isNotReused() throws IOException {
        assertThat(AnswerReader.read(stream("HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\n"
                + "Content-Length: 0\r\n\r\n"), true).reusable()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"FOO 200 OK", "HTTP/1.1", "HTTP/1.1 abc OK", "HTTP/2 200", "garbage", "",
            "HTTP/1.1 2000 OK", "HTTP/1.1 +201 Created", "HTTP/1.1 20 OK", "HTTP/1.1 -201 Created"})
    void badStatusLine_isRefused(String status) {
        assertThatThrownBy(() -> AnswerReader.read(stream(status + "\r\nContent-Length: 0\r\n\r\n"), true))
                .isInstanceOf(IOException.class).isNotInstanceOf(Unanswered.class);
    }

    @Test
    void badStatusLine_isQuotedPrintable_inTheFailure() {
        assertThatThrownBy(() -> AnswerReader.read(stream("\u001b[2JHTTP/9 200\r\n\r\n"), true))
                .isInstanceOf(IOException.class).hasMessageNotContaining("\u001b").hasMessageContaining("[2JHTTP/9");
    }

    @Test
    void oversizedHead_isRefused() {
        String fields = ("X-Filler: " + "f".repeat(1000) + "\r\n").repeat(70);
        assertThatThrownBy(() -> AnswerReader.read(stream("HTTP/1.1 201 Created\r\n" + fields + "\r\n"), true))
                .isInstanceOf(IOException.class).hasMessageContaining("answer head is longer than");
    }

    @Test
    void overlongLine_isRefused_withoutReadingItAll() {
        assertThatThrownBy(() -> AnswerReader.read(stream("HTTP/1.1 201 " + "x".repeat(200_000)), true))
                .isInstanceOf(IOException.class).hasMessageContaining("line longer than");
    }

    @Test
    void nothingAtAll_isUnanswered_soAKeptAliveConnectionMayBeReplaced() {
        assertThatThrownBy(() -> AnswerReader.read(stream(""), true)).isInstanceOf(Unanswered.class);
        assertThatThrownBy(() -> AnswerReader.read(stream(""), false)).isInstanceOf(EOFException.class)
                .isNotInstanceOf(Unanswered.class);
    }

    @Test
    void truncatedHead_isAFailure_notUnanswered() {
        assertThatThrownBy(() -> AnswerReader.read(stream("HTTP/1.1 201 Created\r\nRepr-Dig"), true))
                .isInstanceOf(EOFException.class).isNotInstanceOf(Unanswered.class);
    }

    @Test
    void truncatedBody_keepsTheAnswer_butNotTheConnection() throws IOException {
        AnswerReader.Reading reading = AnswerReader.read(stream("HTTP/1.1 201 Created\r\nRepr-Digest: " + DIGEST
                + "\r\nContent-Length: 100\r\n\r\nonly this"), true);

        assertThat(reading.answer().status()).isEqualTo(201);
        assertThat(reading.answer().excerpt()).isEqualTo("only this");
        assertThat(reading.reusable()).isFalse();
    }

    @Test
    void truncatedChunkedBody_keepsTheAnswer_butNotTheConnection() throws IOException {
        AnswerReader.Reading reading = AnswerReader.read(stream("HTTP/1.1 201 Created\r\nRepr-Digest: " + DIGEST
                + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"), true);

        assertThat(reading.answer().status()).isEqualTo(201);
        assertThat(reading.answer().excerpt()).isEqualTo("hello");
        assertThat(reading.reusable()).isFalse();
    }

    @Test
    void chunkedWithContentLength_isFramedByTheChunks_butTheConnectionIsNotReused() throws IOException {
        InputStream in = stream("HTTP/1.1 201 Created\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\n\r\n" + NEXT);

        AnswerReader.Reading reading = AnswerReader.read(in, true);

        assertThat(reading.answer().excerpt()).isEqualTo("hello");
        assertThat(reading.reusable()).as("an answer framed two ways may be smuggling another").isFalse();
    }

    @Test
    void contentLengthsThatDisagree_areRefused() {
        assertThatThrownBy(() -> AnswerReader.read(stream("HTTP/1.1 201 Created\r\nContent-Length: 3\r\n"
                + "Content-Length: 40\r\n\r\nabc" + NEXT), true))
                .isInstanceOf(IOException.class).hasMessageContaining("Content-Length");
    }

    @Test
    void repeatedEqualContentLengths_areOneLength() throws IOException {
        AnswerReader.Reading reading = AnswerReader.read(stream("HTTP/1.1 201 Created\r\nContent-Length: 3\r\n"
                + "Content-Length: 3\r\n\r\nabc"), true);

        assertThat(reading.answer().excerpt()).isEqualTo("abc");
        assertThat(reading.reusable()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "+5", "5 5", "0x10", "99999999999999999999", ""})
    void invalidContentLength_isRefused(String length) {
        assertThatThrownBy(() -> AnswerReader.read(stream("HTTP/1.1 201 Created\r\nContent-Length: " + length
                + "\r\n\r\nhello" + NEXT), true))
                .isInstanceOf(IOException.class).hasMessageContaining("Content-Length");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "zz", "", "fffffffffffffffff"})
    void invalidChunkSize_isRefused(String size) {
        assertThatThrownBy(() -> AnswerReader.read(stream("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                + size + "\r\nhello\r\n0\r\n\r\n" + NEXT), true))
                .isInstanceOf(IOException.class).hasMessageContaining("chunk size");
    }

    @Test
    void chunkNotEndedByCrlf_isRefused() {
        assertThatThrownBy(() -> AnswerReader.read(stream("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nhello\r\n0\r\n\r\n"), true))
                .isInstanceOf(IOException.class).hasMessageContaining("chunk");
    }

    @Test
    void repeatedFieldLines_areCombined_soASecondReprDigestLineCounts() throws IOException {
        SiteAnswer answer = AnswerReader.read(stream("HTTP/1.1 201 Created\r\nRepr-Digest: sha-512=:AAAA:\r\n"
                + "Repr-Digest: " + DIGEST + "\r\nContent-Length: 0\r\n\r\n"), true).answer();

        assertThat(ForwardProtocol.sha256Hex(answer.header("repr-digest").orElseThrow()))
                .contains("5f8f04f6a3a892aaabbddb6cf273894493773960d4a325b105fee46eef4304f1");
    }

    @Test
    void foldedLine_continuesThePreviousField_andIsNoFieldOfItsOwn() throws IOException {
        SiteAnswer answer = AnswerReader.read(stream("HTTP/1.1 201 Created\r\nX-Note: a\r\n Repr-Digest: " + DIGEST
                + "\r\nContent-Length: 0\r\n\r\n"), true).answer();

        assertThat(answer.header("Repr-Digest")).isEmpty();
        assertThat(answer.header("X-Note")).contains("a Repr-Digest: " + DIGEST);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String rest(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
