package io.vaultgate.core.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.forward.FileForwardingState;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushRouteTest {

    @TempDir
    Path home;

    @Test
    void commitOnAPushRoute_queuesOneForwardJob_inTheSameTransaction_andOnlyBelowThePrefix() {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal client = test.client("acme", "acme-up", Protocol.HTTPS);
            test.core().sites().createSite("manila", "Manila");
            test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PUSH, PathPolicy.parse("/inbox/claims"),
                    0, 0, Duration.ZERO);

            Receipt routed = upload(test, client, "/inbox/claims/c1.csv");
            Receipt unrouted = upload(test, client, "/inbox/other.csv");

            List<ForwardJob> jobs = test.core().forwarding().outbox().byFile(routed.fileId());
            assertThat(jobs).singleElement().satisfies(job -> {
                assertThat(job.siteId()).isEqualTo("manila");
                assertThat(job.state()).isEqualTo(ForwardState.PENDING);
            });
            assertThat(test.core().forwarding().outbox().byFile(unrouted.fileId())).isEmpty();
        }
    }

    @Test
    void aTenantSeesWhereItsOwnFileWent_andNobodyElseDoes() {
        try (TestCore test = TestCore.create(home)) {
            ClientPrincipal client = test.client("acme", "acme-up", Protocol.HTTPS);
            ClientPrincipal colleague = test.client("acme", "acme-other", Protocol.HTTPS);
            ClientPrincipal stranger = test.client("globex", "globex-up", Protocol.HTTPS);
            test.core().sites().createSite("manila", "Manila");
            test.core().sites().addRoute(client.tenant(), "manila", RouteMode.PUSH, PathPolicy.parse("/inbox"),
                    0, 0, Duration.ZERO);
            Receipt routed = upload(test, client, "/inbox/c1.csv");
            FileForwardingState state = test.core().forwarding().fileState();

            FileForwardingState.Delivery delivery = state.of(client, PathPolicy.parse("/inbox/c1.csv"));

            assertThat(delivery.file().id()).isEqualTo(routed.fileId());
            assertThat(delivery.jobs()).singleElement().satisfies(job -> {
                assertThat(job.siteId()).isEqualTo("manila");
                assertThat(job.state()).isEqualTo(ForwardState.PENDING);
            });
            for (ClientPrincipal other : List.of(colleague, stranger)) {
                assertThatThrownBy(() -> state.of(other, PathPolicy.parse("/inbox/c1.csv")))
                        .as(other.name()).isInstanceOfSatisfying(GatewayException.class,
                                e -> assertThat(e.reason()).isEqualTo(GatewayException.Reason.NOT_FOUND));
            }
            OperatorPrincipal operator = test.operator("manila", "maria", Protocol.HTTPS);
            assertThatThrownBy(() -> state.of(operator, PathPolicy.parse("/inbox/c1.csv")))
                    .isInstanceOf(GatewayException.class);
        }
    }

    private static Receipt upload(TestCore test, ClientPrincipal client, String path) {
        try (Upload upload = test.core().ingest().open(client, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            return upload.commit();
        }
    }
}
