package io.vaultgate.https.multipart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vaultgate.https.http.HttpProblem;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MultipartParserTest {

    private static final String BODY = "preamble to ignore\r\n"
            + "--XyZ\r\n"
            + "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
            + "hello\r\n"
            + "--XyZ \t\r\n"
            + "Content-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
            + "Content-Type: text/csv\r\n\r\n"
            + "a,b\r\n--XyQ-almost\r\n--Xy\r\n\r\n"
            + "--XyZ\r\n"
            + "\r\n"
            + "no headers\r\n"
            + "--XyZ--\r\nepilogue --XyZ\r\n";

    /** Records parts as (headers, content). */
    private static final class Recorder implements MultipartParser.Listener {
        final List<Map<String, String>> headers = new ArrayList<>();
        final List<String> contents = new ArrayList<>();
        final List<byte[]> raw = new ArrayList<>();
        private ByteArrayOutputStream current;

        @Override
        public void partStarted(Map<String, String> partHeaders) {
            headers.add(partHeaders);
            current = new ByteArrayOutputStream();
        }

        @Override
        public void partData(ByteBuf data) {
            byte[] bytes = new byte[data.readableBytes()];
            data.getBytes(data.readerIndex(), bytes);
            current.writeBytes(bytes);
        }

        @Override
        public void partEnded() {
            contents.add(current.toString(StandardCharsets.UTF_8));
            raw.add(current.toByteArray());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 16, 1000})
    void partsAreFound_howeverTheBodyIsSplit(int pieceSize) {
        Recorder recorder = parse(BODY, pieceSize);

        assertThat(recorder.contents).containsExactly("hello", "a,b\r\n--XyQ-almost\r\n--Xy\r\n", "no headers");
        assertThat(recorder.headers.get(1)).containsEntry("content-type", "text/csv")
                .containsEntry("content-disposition", "form-data; name=\"file\"; filename=\"a.csv\"");
        assertThat(recorder.headers.get(2)).isEmpty();
    }

    @Test
    void randomSplits_ofALargePart_keepEveryByte() {
        byte[] payload = new byte[300_000];
        new Random(1).nextBytes(payload);
        String latin1 = new String(payload, StandardCharsets.ISO_8859_1);
        String body = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n" + latin1 + "\r\n--b--";
        Recorder recorder = new Recorder();
        MultipartParser parser = new MultipartParser("b", recorder, ByteBufAllocator.DEFAULT);
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        Random random = new Random(2);
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, 1 + random.nextInt(20_000));
            parser.feed(Unpooled.wrappedBuffer(bytes, at, n));
            at += n;
        }
        parser.finish();
        parser.release();

        assertThat(recorder.raw).hasSize(1);
        assertThat(recorder.raw.get(0)).isEqualTo(payload);
    }

    @Test
    void missingClosingBoundary_isRefused() {
        MultipartParser parser = new MultipartParser("b", new Recorder(), ByteBufAllocator.DEFAULT);
        parser.feed(Unpooled.copiedBuffer("--b\r\n\r\npartial", StandardCharsets.US_ASCII));

        assertThatThrownBy(parser::finish).isInstanceOf(HttpProblem.class);
        parser.release();
    }

    @Test
    void oversizedPartHeaders_areRefused() {
        MultipartParser parser = new MultipartParser("b", new Recorder(), ByteBufAllocator.DEFAULT);
        String huge = "--b\r\nX: " + "a".repeat(MultipartParser.MAX_PART_HEADER_BYTES + 10);

        assertThatThrownBy(() -> parser.feed(Unpooled.copiedBuffer(huge, StandardCharsets.US_ASCII)))
                .isInstanceOf(HttpProblem.class);
        parser.release();
    }

    private static Recorder parse(String body, int pieceSize) {
        Recorder recorder = new Recorder();
        MultipartParser parser = new MultipartParser("XyZ", recorder, ByteBufAllocator.DEFAULT);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at < bytes.length; at += pieceSize) {
            parser.feed(Unpooled.wrappedBuffer(bytes, at, Math.min(pieceSize, bytes.length - at)));
        }
        parser.finish();
        parser.release();
        return recorder;
    }
}
