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

    @Test
    void roundTrips_pathsWithAnyCharacter() {
        TusUploadId id = new TusUploadId(123, "f_0a1b", PathPolicy.parse("/inbox/100% été/a:b.csv"));

        assertThat(TusUploadId.decode(id.encode())).isEqualTo(id);
        assertThat(id.encode()).matches("[A-Za-z0-9_-]+");
        assertThat(id.names("f_0a1b")).isTrue();
        assertThat(id.names("f_0a1c")).isFalse();
    }

    @Test
    void aUrlOfAnEarlierVersion_namesOnlyThePath_andStillResolves() {
        String legacy = Base64.getUrlEncoder().withoutPadding().encodeToString("5:/inbox/a.csv".getBytes(
                StandardCharsets.UTF_8));

        TusUploadId id = TusUploadId.decode(legacy);

        assertThat(id.path()).isEqualTo(PathPolicy.parse("/inbox/a.csv"));
        assertThat(id.fileId()).isEmpty();
        assertThat(id.names("f_anything")).isTrue();
    }

    @Test
    void forgedIds_areUnknown_orRefusedByThePathPolicy() {
        String traversal = Base64.getUrlEncoder().encodeToString("5:/../../etc".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> TusUploadId.decode("not base64!")).isInstanceOf(GatewayException.class);
        assertThatThrownBy(() -> TusUploadId.decode(Base64.getUrlEncoder().encodeToString("x:/inbox/a".getBytes(
                StandardCharsets.UTF_8)))).isInstanceOf(GatewayException.class);
        assertThatThrownBy(() -> TusUploadId.decode(Base64.getUrlEncoder().encodeToString("5:f/x:/inbox/a".getBytes(
                StandardCharsets.UTF_8)))).isInstanceOf(GatewayException.class);
        assertThatThrownBy(() -> TusUploadId.decode(traversal)).isInstanceOfSatisfying(GatewayException.class,
                e -> assertThat(e.reason()).isEqualTo(GatewayException.Reason.INVALID_PATH));
    }

    @Test
    void metadata_isBase64Pairs_andAValueMayBeMissing() {
        String header = "filename " + Base64.getEncoder().encodeToString("100%.csv".getBytes(StandardCharsets.UTF_8))
                + ",is_confidential";

        assertThat(UploadMetadata.parse(header)).containsEntry("filename", "100%.csv").containsEntry("is_confidential", "");
        assertThatThrownBy(() -> UploadMetadata.parse("filename ***")).isInstanceOf(HttpProblem.class);
    }
}
