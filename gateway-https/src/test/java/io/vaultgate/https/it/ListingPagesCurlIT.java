package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.files.NameOrder;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.CurlGateway;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code curl} walking a directory listing page by page over TLS: each page holds at most {@code ?limit=} entries,
 * the next one is reached through the RFC 8288 {@code Link: rel="next"} header (and the body's {@code next}), the
 * last page has neither, and together the pages hold every name once, in code point order. Bad paging parameters
 * are 400 problems.
 */
class ListingPagesCurlIT {

    private static final Pattern NAME = Pattern.compile("\"name\":\"([^\"]*)\"");
    private static final Pattern NEXT = Pattern.compile("\"next\":\"([^\"]*)\"");
    private static final Pattern LINK = Pattern.compile("(?im)^link: <([^>]*)>; rel=\"next\"\\s*$");

    @TempDir
    Path dir;
    @RegisterExtension
    final CurlGateway http = new CurlGateway();


    @Test
    void followingTheNextLinks_walksADirectoryOfThreePages_everyNameOnce_inCodePointOrder() throws Exception {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            expected.add((i % 2 == 0 ? "Z" : "a") + i + ".csv");
        }
        expected.add("\u00e9t\u00e9");
        for (String name : expected) {
            upload(name.equals("\u00e9t\u00e9") ? "/inbox/big/\u00e9t\u00e9/inner.csv" : "/inbox/big/" + name);
        }
        expected.sort(NameOrder.BINARY);

        List<String> walked = new ArrayList<>();
        String url = http.url("/v1/files/inbox/big/?limit=10");
        int pages = 0;
        while (url != null) {
            Path headers = dir.resolve("headers-" + pages);
            Curl.Result page = http.curl().run("-D", headers.toString(), "-H", http.bearer(), url);
            assertThat(page.status()).as(page.stderr()).isEqualTo(200);
            List<String> names = all(NAME, page.body());
            assertThat(names).hasSizeLessThanOrEqualTo(10);
            walked.addAll(names);
            Matcher link = LINK.matcher(Files.readString(headers, StandardCharsets.ISO_8859_1));
            List<String> next = all(NEXT, page.body());
            if (link.find()) {
                assertThat(link.group(1)).startsWith("/v1/files/inbox/big/?after=").endsWith("&limit=10")
                        .contains(next.get(0));
                url = http.url(link.group(1));
            } else {
                assertThat(next).as("no next cursor on the last page").isEmpty();
                url = null;
            }
            pages++;
        }

        assertThat(pages).isEqualTo(3);
        assertThat(walked).containsExactlyElementsOf(expected);
    }

    @Test
    void badLimitsAndCursors_areProblems_andTheDefaultPageIsTheLargest() throws Exception {
        upload("/inbox/x.csv");
        for (String query : List.of("limit=0", "limit=1001", "limit=ten", "limit=1&limit=2", "after=%25%25",
                "after=L2V0Yw")) {
            Curl.Result bad = http.curl().run("-H", http.bearer(), http.url("/v1/files/inbox/?" + query));
            assertThat(bad.status()).as(query).isEqualTo(400);
            assertThat(bad.body()).as(query).contains("\"type\":\"urn:vaultgate:problem:invalid-request\"")
                    .doesNotContain("Exception");
        }
        Curl.Result plain = http.curl().run("-H", http.bearer(), http.url("/v1/files/inbox/"));
        assertThat(plain.status()).isEqualTo(200);
        assertThat(all(NAME, plain.body())).containsExactly("x.csv");
        assertThat(plain.body()).doesNotContain("\"next\"");
    }

    private void upload(String path) {
        try (Upload upload = http.gateway().core().ingest().open(http.gateway().principal(), PathPolicy.parse(path),
                UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1}));
            upload.commit();
        }
    }

    private static List<String> all(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }
}
