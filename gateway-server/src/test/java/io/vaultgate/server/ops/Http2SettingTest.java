package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code https.http2} key as {@code vaultgate run} applies it: with it, a client that prefers HTTP/2 (the JDK's
 * {@code HttpClient}) gets HTTP/2; without it (the default), HTTP/1.1.
 */
class Http2SettingTest {

    @TempDir
    Path home;

    @Test
    void httpsHttp2True_servesHttp2_toAClientThatPrefersIt() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of("https.http2", "true"))) {
            HttpResponse<byte[]> listing = listAsPreferringHttp2(gateway);

            assertThat(listing.statusCode()).isEqualTo(200);
            assertThat(listing.version()).isEqualTo(HttpClient.Version.HTTP_2);
        }
    }

    @Test
    void byDefault_theSameClientGetsHttp11() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            HttpResponse<byte[]> listing = listAsPreferringHttp2(gateway);

            assertThat(listing.statusCode()).isEqualTo(200);
            assertThat(listing.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        }
    }

    private static HttpResponse<byte[]> listAsPreferringHttp2(RunningGateway gateway) throws Exception {
        HttpClient preferringHttp2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(30)).sslContext(gateway.https.sslContext()).build();
        return preferringHttp2.send(HttpRequest.newBuilder(gateway.files("/inbox/")).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + gateway.clientToken).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
