package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.forward.DeliveryOutcome.Delivered;
import io.vaultgate.core.forward.DeliveryOutcome.Failed;
import io.vaultgate.core.forward.DeliveryOutcome.Kind;
import io.vaultgate.core.testing.CatalogIndependent;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link AnswerCheck}: a forward counts as delivered only with a 2xx and the file's digest from the site. */
@CatalogIndependent
class AnswerCheckTest {

    private static final String SHA = "5f8f04f6a3a892aaabbddb6cf273894493773960d4a325b105fee46eef4304f1";
    private static final String OTHER = "0000000000000000000000000000000000000000000000000000000000000000";
    private static final Optional<String> CERT = Optional.of("ab".repeat(32));

    @Test
    void created_withTheFilesDigest_isDelivered_withTheSitesDigestAndCertificate() {
        DeliveryOutcome outcome = AnswerCheck.judge(true, SHA, answer(201, ForwardProtocol.reprDigest(SHA), ""));

        assertThat(outcome).isEqualTo(new Delivered(Optional.of(SHA), CERT));
    }

    @Test
    void missingDigestHeader_failsWhenTheSiteMustAnswerIt() {
        assertThat(AnswerCheck.judge(true, SHA, answer(201, null, ""))).isInstanceOfSatisfying(Failed.class, failed -> {
            assertThat(failed.kind()).isEqualTo(Kind.DIGEST);
            assertThat(failed.message()).contains("without Repr-Digest");
        });
    }

    @Test
    void missingDigestHeader_isDeliveredForAPlainWebDavSite() {
        assertThat(AnswerCheck.judge(false, SHA, answer(201, null, "")))
                .isEqualTo(new Delivered(Optional.empty(), CERT));
    }

    @Test
    void otherOrMalformedDigest_fails_evenForAPlainWebDavSite() {
        for (String field : new String[] {ForwardProtocol.reprDigest(OTHER), "sha-256=:nope:", "md5=:AAAA:"}) {
            assertThat(AnswerCheck.judge(false, SHA, answer(200, field, "")))
                    .isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.kind()).isEqualTo(Kind.DIGEST));
        }
    }

    @Test
    void digestFieldWithControlCharacters_isQuotedPrintable_inTheFailure() {
        assertThat(AnswerCheck.judge(true, SHA, answer(201, "sha-256=:\u001b[2J\u001b]0;x\u0007:", "")))
                .isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.message())
                        .startsWith("the site's digest sha-256=: [2J ]0;x : differs").doesNotContain("\u001b"));
    }

    @Test
    void refusalOrRedirect_failsWithTheStatus_andAPrintableExcerpt() {
        DeliveryOutcome outcome = AnswerCheck.judge(true, SHA, answer(409, ForwardProtocol.reprDigest(SHA),
                "taken\r\n\u001b[31mred\u0000"));
        assertThat(outcome).isInstanceOfSatisfying(Failed.class, failed -> {
            assertThat(failed.kind()).isEqualTo(Kind.STATUS);
            assertThat(failed.message()).isEqualTo("the site answered 409: taken [31mred");
        });
        assertThat(AnswerCheck.judge(true, SHA, answer(302, ForwardProtocol.reprDigest(SHA), "")))
                .isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.message())
                        .isEqualTo("the site answered 302"));
    }

    @Test
    void tooLargeMisdirectedOrUnprocessable_isAPermanentFailure_saidSoInTheMessage() {
        for (int status : new int[] {413, 421, 422}) {
            assertThat(AnswerCheck.judge(true, SHA, answer(status, null, "no room for that path")))
                    .isInstanceOfSatisfying(Failed.class, failed -> {
                        assertThat(failed.permanent()).as("status " + status).isTrue();
                        assertThat(failed.message()).startsWith("the site answered " + status + ": no room for that "
                                + "path (final: not retried");
                    });
        }
    }

    @Test
    void refusalsThatMayPass_areRetried() {
        for (int status : new int[] {400, 403, 408, 409, 429, 500, 503, 507}) {
            assertThat(AnswerCheck.judge(true, SHA, answer(status, null, "")))
                    .isInstanceOfSatisfying(Failed.class, failed -> assertThat(failed.permanent())
                            .as("status " + status).isFalse());
        }
    }

    private static SiteAnswer answer(int status, String digest, String excerpt) {
        return new SiteAnswer(status, digest == null ? Map.of() : Map.of("repr-digest", digest), excerpt, CERT);
    }
}
