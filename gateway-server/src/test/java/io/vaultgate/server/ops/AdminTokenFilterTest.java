package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin token check: cached after success for the configured time, never cached after a failure. */
class AdminTokenFilterTest {

    private static final String GOOD = "good-token";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicInteger checks = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile boolean revoked;
    private OpsServer server;

    private Authenticator authenticator;

    @BeforeEach
    void setUp() throws Exception {
        authenticator = new Authenticator() {
            @Override
            public AuthResult byToken(String token, Protocol protocol, String source) {
                checks.incrementAndGet();
                return token.equals(GOOD) && !revoked ? new AuthResult.Success(new AdminPrincipal("root"))
                        : new AuthResult.Failure(null, AuthFailure.BAD_CREDENTIAL);
            }

            @Override
            public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String source) {
                throw new UnsupportedOperationException();
            }

            @Override
            public AuthResult byPassword(String username, char[] password, Protocol protocol, String source) {
                throw new UnsupportedOperationException();
            }
        };
        server = OpsServer.start(new OpsSettings("127.0.0.1", 0, Duration.ofMinutes(1)),
                new OpsServices(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> { }, authenticator,
                        () -> new StatusReport("t", clock.instant(), clock.instant(), 0, List.of(), List.of()),
                        List.of()), clock);
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    @Test
    void anAcceptedToken_isCheckedAgainOnlyOnceTheCachePeriodIsOver() throws Exception {
        assertThat(status(GOOD)).isEqualTo(200);
        assertThat(status(GOOD)).isEqualTo(200);
        assertThat(checks).hasValue(1);

        revoked = true;
        clock.advance(Duration.ofSeconds(59));
        assertThat(status(GOOD)).as("still cached").isEqualTo(200);
        clock.advance(Duration.ofSeconds(2));
        assertThat(status(GOOD)).as("re-checked, now revoked").isEqualTo(403);
        assertThat(checks).hasValue(2);
    }

    @Test
    void aRefusedToken_isCheckedEveryTime() throws Exception {
        assertThat(status("bad")).isEqualTo(403);
        assertThat(status("bad")).isEqualTo(403);

        assertThat(checks).hasValue(2);
    }

    /**
     * Token guessing is slowed by the listener's own limit (the defender no longer scores ops failures): past
     * {@link AdminTokenFilter#MAX_FAILURES} refused tokens in a window, an address is answered 429 without a check
     * until the window ends, while a token that passed and is remembered keeps working.
     */
    @Test
    void tooManyRefusedTokens_areAnswered429UncheckedUntilTheWindowEnds_butARememberedTokenStillPasses()
            throws Exception {
        assertThat(status(GOOD)).isEqualTo(200);
        for (int i = 0; i < AdminTokenFilter.MAX_FAILURES; i++) {
            assertThat(status("guess-" + i)).isEqualTo(403);
        }
        int checked = checks.get();

        HttpResponse<String> limited = http.send(request().header("Authorization", "Bearer guess-x").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(status(GOOD)).as("remembered").isEqualTo(200);
        assertThat(checks).as("nothing checked meanwhile").hasValue(checked);

        clock.advance(AdminTokenFilter.FAILURE_WINDOW);
        assertThat(status("guess-y")).as("checked again once the window is over").isEqualTo(403);
        assertThat(checks).hasValue(checked + 1);
    }

    /**
     * The failure limit counts an IPv6 client by its /64, as the defender does: taking a fresh address of the same /64
     * does not buy a fresh window, while another /64 and an IPv4 address keep their own.
     */
    @Test
    void refusedTokensFromAddressesOfOneIpv6Slash64_shareOneLimit() throws Exception {
        AdminTokenFilter filter = new AdminTokenFilter(authenticator, Duration.ofMinutes(1), clock);
        Route route = filter.protect((request, role) -> Reply.text(200, "ok\n"));
        for (int i = 1; i <= AdminTokenFilter.MAX_FAILURES; i++) {
            assertThat(answer(route, "2001:db8:0:7::" + Integer.toHexString(i), "guess-" + i)).isEqualTo(403);
        }
        int checked = checks.get();

        assertThat(answer(route, "2001:db8:0:7:ffff::1", "guess-x")).as("a fresh address of the /64").isEqualTo(429);
        assertThat(checks).as("not checked").hasValue(checked);
        assertThat(answer(route, "2001:db8:0:8::1", "guess-y")).as("the next /64").isEqualTo(403);
        assertThat(answer(route, "192.0.2.1", "guess-z")).isEqualTo(403);
    }

    @Test
    void aBearerHeaderIsRequired_otherSchemesAre401() throws Exception {
        HttpResponse<String> response = http.send(request().header("Authorization", "Basic Zm9vOmJhcg==").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(checks).hasValue(0);
    }

    private static int answer(Route route, String source, String token) throws Exception {
        return route.answer().apply(new OpsRequest("/status.json", Optional.of("Bearer " + token),
                InetAddress.getByName(source))).status();
    }

    private int status(String token) throws Exception {
        return http.send(request().header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private HttpRequest.Builder request() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/status.json"))
                .timeout(Duration.ofSeconds(10));
    }
}
