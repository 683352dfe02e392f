package io.vaultgate.https.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpResponse;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorResponsesTest {

    @ParameterizedTest
    @CsvSource({"NOT_FOUND, 404", "ACCESS_DENIED, 403", "INVALID_PATH, 400", "INVALID_REQUEST, 400",
            "QUOTA_EXCEEDED, 507", "CONFLICT, 409", "TENANT_LOCKED, 403", "INTEGRITY, 400", "STORAGE_FULL, 507",
            "UNAVAILABLE, 503", "INTERNAL, 500"})
    void everyReason_hasOneStatus(Reason reason, int status) {
        assertThat(ErrorResponses.status(reason).code()).isEqualTo(status);
    }

    @Test
    void problemBody_carriesOnlyTheClientMessage() {
        GatewayException failure = new GatewayException(Reason.INTERNAL, "internal error",
                "disk /var/lib/vaultgate/objects/x failed", new IllegalStateException("secret detail"));

        FullHttpResponse response = ErrorResponses.of(failure);
        String body = response.content().toString(StandardCharsets.UTF_8);

        assertThat(response.headers().get("content-type")).isEqualTo("application/problem+json");
        assertThat(body).isEqualTo("{\"type\":\"urn:vaultgate:problem:internal\",\"title\":\"Internal Server Error\","
                + "\"status\":500,\"detail\":\"internal error\"}\n");
        assertThat(response.headers().getInt("content-length")).as("the newline counted").isEqualTo(body.length());
        response.release();
    }
}
