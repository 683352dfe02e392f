package io.vaultgate.https.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.vaultgate.core.forward.ForwardProtocol;
import io.vaultgate.https.receiver.ReceiverHandler.Answer;
import io.vaultgate.https.receiver.ReceiverHandler.Exchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ReceivedFiles}' rules for one key across exchanges, driven without sockets. */
class ReceivedFilesTest {

    @TempDir
    Path drop;

    @Test
    void duplicateWhoseMarkerCheckRacesTheFirstUploadsFinish_isNotWrittenAgain() throws Exception {
        byte[] body = "id,amount\n1,100\n".getBytes(StandardCharsets.UTF_8);
        AtomicReference<Runnable> duringMarkerCheck = new AtomicReference<>();
        DropDirectory directory = new DropDirectory(drop) {
            @Override
            Optional<Received> received(String key) throws IOException {
                Optional<Received> found = super.received(key);
                Runnable meanwhile = duringMarkerCheck.getAndSet(null);
                if (meanwhile != null) {
                    meanwhile.run(); // the first upload finishes between this check and what follows it
                }
                return found;
            }
        };
        ReceivedFiles files = new ReceivedFiles(ReceiverFixture.SITE, directory, 1 << 20);
        Path target = drop.resolve("acme/acme-upload/inbox/a.csv");
        Exchange first = files.begin(request("f_1", body), "first");
        first.content(Unpooled.wrappedBuffer(body));
        AtomicReference<Answer> firstAnswer = new AtomicReference<>();
        Runnable finishFirst = () -> {
            firstAnswer.set(first.finish());
            try {
                Files.writeString(target, "processed by the site"); // the site took the file at once
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        duringMarkerCheck.set(finishFirst);

        Exchange second = files.begin(request("f_1", body), "second");
        second.content(Unpooled.wrappedBuffer(body));
        Answer secondAnswer = second.finish();
        Runnable notRun = duringMarkerCheck.getAndSet(null);
        if (notRun != null) {
            notRun.run();
        }

        assertThat(firstAnswer.get().status()).isEqualTo(HttpResponseStatus.CREATED);
        assertThat(secondAnswer.status()).as("the second delivery of the key").isNotEqualTo(HttpResponseStatus.CREATED);
        assertThat(Files.readString(target)).as("the file is not rewritten").isEqualTo("processed by the site");
        Exchange third = files.begin(request("f_1", body), "third");
        assertThat(third.finish().status()).as("the key is free again and remembered").isEqualTo(HttpResponseStatus.OK);
    }

    @Test
    void fileThatCannotBeRecorded_isAnswered507_andLeavesNoTemporaryFileBehind() throws Exception {
        byte[] body = "id,amount\n1,100\n".getBytes(StandardCharsets.UTF_8);
        ReceivedFiles files = new ReceivedFiles(ReceiverFixture.SITE, new DropDirectory(drop), 1 << 20);
        Path markers = drop.resolve(".vaultgate/received");
        Files.delete(markers);
        Files.writeString(markers, "in the way"); // the marker cannot be moved into place

        Exchange upload = files.begin(request("f_1", body), "gateway");
        upload.content(Unpooled.wrappedBuffer(body));
        Answer answer = upload.finish();

        assertThat(answer.status()).isEqualTo(HttpResponseStatus.INSUFFICIENT_STORAGE);
        try (var left = Files.list(drop.resolve(".vaultgate/tmp"))) {
            assertThat(left).as("temporary files left").isEmpty();
        }
    }

    @Test
    void directoryInTheFilesPlace_isAnswered422_notAsAFullDisk_andLeavesNothing() throws Exception {
        byte[] body = "id,amount\n1,100\n".getBytes(StandardCharsets.UTF_8);
        ReceivedFiles files = new ReceivedFiles(ReceiverFixture.SITE, new DropDirectory(drop), 1 << 20);
        Files.createDirectories(drop.resolve("acme/acme-upload/inbox/a.csv/made-by-the-site"));

        Exchange upload = files.begin(request("f_1", body), "gateway");
        upload.content(Unpooled.wrappedBuffer(body));
        Answer answer = upload.finish();

        assertThat(answer.status()).isEqualTo(HttpResponseStatus.UNPROCESSABLE_ENTITY);
        assertThat(answer.body()).contains("acme/acme-upload/inbox/a.csv: a directory is in the file's place");
        assertThat(drop.resolve("acme/acme-upload/inbox/a.csv/made-by-the-site")).isDirectory();
        try (var left = Files.list(drop.resolve(".vaultgate/tmp"))) {
            assertThat(left).as("temporary files left").isEmpty();
        }
        try (var markers = Files.list(drop.resolve(".vaultgate/received"))) {
            assertThat(markers).as("not recorded as received").isEmpty();
        }
    }

    @Test
    void fileNamingAnotherSite_isAnswered421_andNothingIsWritten_whileOneNamingThisSiteIsTaken() throws Exception {
        byte[] body = "id,amount\n1,100\n".getBytes(StandardCharsets.UTF_8);
        ReceivedFiles files = new ReceivedFiles(ReceiverFixture.SITE, new DropDirectory(drop), 1 << 20);

        Answer other = send(files, request("f_1", body), ReceiverFixture.OTHER_SITE, body);
        Answer notAnId = send(files, request("f_1", body), "../manila", body);

        assertThat(other.status()).isEqualTo(HttpResponseStatus.MISDIRECTED_REQUEST);
        assertThat(other.body()).startsWith("this receiver serves site manila, not site pune (Vaultgate-Site)");
        assertThat(notAnId.status()).isEqualTo(HttpResponseStatus.MISDIRECTED_REQUEST);
        assertThat(notAnId.body()).as("what is no site id is not repeated").contains("not another site")
                .doesNotContain("../");
        assertThat(Files.exists(drop.resolve("acme/acme-upload/inbox/a.csv"))).isFalse();
        assertThat(send(files, request("f_1", body), ReceiverFixture.SITE, body).status())
                .isEqualTo(HttpResponseStatus.CREATED);
    }

    private static Answer send(ReceivedFiles files, HttpRequest request, String site, byte[] body) throws Exception {
        request.headers().set(ForwardProtocol.SITE, site);
        Exchange exchange = files.begin(request, "gateway");
        exchange.content(Unpooled.wrappedBuffer(body));
        return exchange.finish();
    }

    @Test
    void receivedFilesAndTheDirectoriesMadeForThem_areTheReceiversUsersAlone_whateverTheUmask() throws Exception {
        byte[] body = "id,amount\n1,100\n".getBytes(StandardCharsets.UTF_8);
        ReceivedFiles files = new ReceivedFiles(ReceiverFixture.SITE, new DropDirectory(drop), 1 << 20);

        Exchange upload = files.begin(request("f_1", body), "gateway");
        upload.content(Unpooled.wrappedBuffer(body));
        assertThat(upload.finish().status()).isEqualTo(HttpResponseStatus.CREATED);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(drop.resolve("acme/acme-upload/inbox/a.csv"))))
                .isEqualTo("rw-------");
        for (String dir : List.of("acme", "acme/acme-upload/inbox", ".vaultgate/tmp", ".vaultgate/received")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(drop.resolve(dir))))
                    .as(dir).isEqualTo("rwx------");
        }
        try (var markers = Files.list(drop.resolve(".vaultgate/received"))) {
            assertThat(markers).allSatisfy(marker -> assertThat(PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(marker))).isEqualTo("rw-------"));
        }
    }

    @Test
    void directoriesMadeForAFile_areSyncedInTheirParents_beforeTheFilesDirectoryAndItsMarker() throws Exception {
        byte[] body = "id,amount\n1,100\n".getBytes(StandardCharsets.UTF_8);
        List<String> synced = new java.util.ArrayList<>();
        DropDirectory directory = new DropDirectory(drop) {
            @Override
            void fsyncDirectory(Path dir) throws IOException {
                super.fsyncDirectory(dir);
                synced.add(drop.relativize(dir).toString());
            }
        };
        ReceivedFiles files = new ReceivedFiles(ReceiverFixture.SITE, directory, 1 << 20);
        synced.clear(); // the .vaultgate area made at start: aNewDropDirectory_andItsVaultgateArea_areSynced...

        Exchange first = files.begin(request("f_1", "/inbox/2026/11/a.csv", body), "gateway");
        first.content(Unpooled.wrappedBuffer(body));
        assertThat(first.finish().status()).isEqualTo(HttpResponseStatus.CREATED);

        assertThat(synced).as("each new directory's parent, top down; then the file's directory; then the markers")
                .containsExactly("", "acme", "acme/acme-upload", "acme/acme-upload/inbox", "acme/acme-upload/inbox/2026",
                        "acme/acme-upload/inbox/2026/11", ".vaultgate/received");
        assertThat(drop.resolve("acme/acme-upload/inbox/2026/11/a.csv")).hasBinaryContent(body);

        synced.clear();
        Exchange second = files.begin(request("f_2", "/inbox/2026/11/b.csv", body), "gateway");
        second.content(Unpooled.wrappedBuffer(body));
        assertThat(second.finish().status()).isEqualTo(HttpResponseStatus.CREATED);
        assertThat(synced).as("no directory made, none but the file's synced")
                .containsExactly("acme/acme-upload/inbox/2026/11", ".vaultgate/received");
    }

    @Test
    void aNewDropDirectory_andItsVaultgateArea_areSyncedInTheirParents_beforeAnyMarkerCanBeWritten() throws Exception {
        List<String> synced = new java.util.ArrayList<>();
        Path fresh = drop.resolve("site/drop");
        new DropDirectory(fresh) {
            @Override
            void fsyncDirectory(Path dir) throws IOException {
                super.fsyncDirectory(dir);
                synced.add(drop.relativize(dir).toString());
            }
        };

        assertThat(synced).as("each new directory's parent, top down")
                .containsExactly("", "site", "site/drop", "site/drop/.vaultgate", "site/drop/.vaultgate");
        for (String dir : List.of("site", "site/drop", "site/drop/.vaultgate", "site/drop/.vaultgate/tmp",
                "site/drop/.vaultgate/received")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(drop.resolve(dir))))
                    .as(dir).isEqualTo("rwx------");
        }

        synced.clear();
        new DropDirectory(fresh) {
            @Override
            void fsyncDirectory(Path dir) throws IOException {
                synced.add(dir.toString());
            }
        };
        assertThat(synced).as("nothing made, nothing synced").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/inbox/invoice_\u202Efdp.exe", "/inbox/a\u0085b.csv"})
    void displaySpoofingName_isRefused422_andNothingIsWritten(String path) throws Exception {
        byte[] body = "id,amount\n1,100\n".getBytes(StandardCharsets.UTF_8);
        ReceivedFiles files = new ReceivedFiles(ReceiverFixture.SITE, new DropDirectory(drop), 1 << 20);

        Exchange upload = files.begin(request("f_1", path, body), "gateway");
        upload.content(Unpooled.wrappedBuffer(body));
        Answer answer = upload.finish();

        assertThat(answer.status()).isEqualTo(HttpResponseStatus.UNPROCESSABLE_ENTITY);
        assertThat(answer.body()).startsWith("Vaultgate-Path: ");
        assertThat(drop.resolve("acme")).doesNotExist();
        for (String area : List.of(".vaultgate/tmp", ".vaultgate/received")) {
            try (var left = Files.list(drop.resolve(area))) {
                assertThat(left).as(area).isEmpty();
            }
        }
    }

    private static HttpRequest request(String key, byte[] body) throws Exception {
        return request(key, "/inbox/a.csv", body);
    }

    private static HttpRequest request(String key, String path, byte[] body) throws Exception {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/files/" + key);
        request.headers().set(ForwardProtocol.IDEMPOTENCY_KEY, key)
                .set(ForwardProtocol.REPR_DIGEST, ForwardProtocol.reprDigest(RawPut.sha256(body)))
                .set(ForwardProtocol.TENANT, "acme")
                .set(ForwardProtocol.ACCOUNT, "acme-upload")
                .set(ForwardProtocol.PATH, ForwardProtocol.encodePath(path))
                .set("Content-Length", body.length);
        return request;
    }
}
