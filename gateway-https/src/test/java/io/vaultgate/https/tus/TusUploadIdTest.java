package io.vaultgate.https.tus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.https.http.HttpProblem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TusUploadIdTest {

    private final TusUrls urls = TusUrls.withKey(new byte[32]);

    @Test
    void roundTrips_pathsWithAnyCharacter() {
        TusUploadId id = new TusUploadId(123, "f_0a1b", PathPolicy.parse("/inbox/100% été/a:b.csv"));

        assertThat(urls.decode(urls.encode(id))).isEqualTo(id);
        assertThat(urls.encode(id)).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{22}");
        assertThat(id.names("f_0a1b")).isTrue();
        assertThat(id.names("f_0a1c")).isFalse();
    }

    @Test
    void anIdUnderAnotherKey_orWithAChangedLength_isUnknown() {
        TusUploadId id = new TusUploadId(10, "f_0a1b", PathPolicy.parse("/inbox/f.bin"));
        String url = urls.encode(id);
        String mac = url.substring(url.indexOf('.'));
        String longer = new TusUploadId(1000, "f_0a1b", PathPolicy.parse("/inbox/f.bin")).encode();

        assertUnknown(() -> TusUrls.withKey(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
                19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}).decode(url));
        assertUnknown(() -> urls.decode(longer + mac));
        assertUnknown(() -> urls.decode(longer));
        assertUnknown(() -> urls.decode(url.substring(0, url.length() - 1)));
        assertUnknown(() -> urls.decode(url + "A"));
        assertUnknown(() -> urls.decode(url.replace('.', '!')));
        assertUnknown(() -> urls.decode("." + mac));
    }

    @Test
    void urlsOfEarlierVersions_withoutAMac_areUnknown() {
        assertUnknown(() -> urls.decode(base64("5:/inbox/a.csv")));
        assertUnknown(() -> urls.decode(base64("5:f_0a1b:/inbox/a.csv")));
    }

    @Test
    void aLengthThatOverflowsALong_isUnknown_notAnInternalError() {
        assertUnknown(() -> TusUploadId.decode(base64("9999999999999999999:f_0a1b:/inbox/a.bin")));
        assertUnknown(() -> TusUploadId.decode(base64("99999999999999999999:f_0a1b:/inbox/a.bin")));
        assertThat(TusUploadId.decode(base64("999999999999999999:f_0a1b:/inbox/a.bin")).length())
                .isEqualTo(999_999_999_999_999_999L);
    }

    @Test
    void forgedIds_areUnknown_orRefusedByThePathPolicy() {
        assertUnknown(() -> TusUploadId.decode("not base64!"));
        assertUnknown(() -> TusUploadId.decode(base64("x:f1:/inbox/a")));
        assertUnknown(() -> TusUploadId.decode(base64("5:f/x:/inbox/a")));
        assertUnknown(() -> TusUploadId.decode(base64("5:/inbox/a")));
        assertThatThrownBy(() -> TusUploadId.decode(base64("5:f1:/../../etc"))).isInstanceOfSatisfying(
                GatewayException.class, e -> assertThat(e.reason()).isEqualTo(GatewayException.Reason.INVALID_PATH));
    }

    @Test
    void metadata_isBase64Pairs_andAValueMayBeMissing() {
        String header = "filename " + Base64.getEncoder().encodeToString("100%.csv".getBytes(StandardCharsets.UTF_8))
                + ",is_confidential";

        assertThat(UploadMetadata.parse(header)).containsEntry("filename", "100%.csv").containsEntry("is_confidential", "");
        assertThatThrownBy(() -> UploadMetadata.parse("filename ***")).isInstanceOf(HttpProblem.class);
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertUnknown(org.assertj.core.api.ThrowableAssert.ThrowingCallable decoding) {
        assertThatThrownBy(decoding).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(GatewayException.Reason.NOT_FOUND));
    }
}
