package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.SiteRemoval;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.node.NodePresence;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogGaugesTest {

    @TempDir
    Path home;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private TestCore test;

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void tenantGauges_showStoredBytesFilesAndQuotaUsage() {
        test = TestCore.create(home, new CoreMetrics(registry, TenantLabels.defaults(), Clock.systemUTC()));
        ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
        test.core().administration().setQuota(alice.tenant(), new Quota(10_000, 0));
        upload(alice, "/inbox/a", 2_500);

        test.core().metrics().refresh();

        assertThat(gauge("vaultgate.tenant.stored", "acme")).isEqualTo(2_500);
        assertThat(gauge("vaultgate.tenant.files", "acme")).isEqualTo(1);
        assertThat(gauge("vaultgate.tenant.quota.usage", "acme")).isEqualTo(0.25);
    }

    @Test
    void tenantsBeyondTheLabelLimit_areSummedUnderOther_withTheFullestQuota() {
        test = TestCore.create(home, new CoreMetrics(registry, new TenantLabels(true, 0), Clock.systemUTC()));
        ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
        ClientPrincipal bob = test.client("globex", "bob", Protocol.SFTP);
        test.core().administration().setQuota(bob.tenant(), new Quota(0, 2));
        upload(alice, "/inbox/a", 100);
        upload(bob, "/inbox/b", 200);

        test.core().metrics().refresh();

        assertThat(gauge("vaultgate.tenant.stored", "other")).isEqualTo(300);
        assertThat(gauge("vaultgate.tenant.quota.usage", "other")).isEqualTo(0.5);
        assertThat(registry.find("vaultgate.tenant.stored").tag("tenant", "acme").gauge()).isNull();
    }

    @Test
    void forwardQueue_showsPendingJobsPerSite_andTheAgeOfTheOldest() {
        MutableClock clock = new MutableClock(Instant.now());
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64), clock);
        ClientPrincipal alice = test.client("acme", "alice", Protocol.HTTPS);
        test.core().sites().createSite("manila", "Manila");
        test.core().sites().addRoute(alice.tenant(), "manila", RouteMode.PUSH, PathPolicy.parse("/inbox"), 0, 0,
                Duration.ZERO);
        upload(alice, "/inbox/a", 10);
        upload(alice, "/inbox/b", 10);
        clock.advance(Duration.ofMinutes(5));

        test.core().metrics().refresh();
        MeterRegistry meters = test.core().metrics().registry();

        assertThat(meters.get("vaultgate.forward.queue").tags("site", "manila", "state", "pending").gauge().value())
                .isEqualTo(2);
        assertThat(meters.get("vaultgate.forward.oldest").tag("site", "manila").gauge().value())
                .isBetween(299.0, 301.0);
    }

    @Test
    void ages_areTakenOnTheCatalogsTime_onANodeWhoseClockIsAnHourAhead() {
        // a node an hour ahead: its rows are written on the catalog's time once it has joined, and so are their ages
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64).withNode(
                NodeSettings.of("node-a").withTiming(Duration.ofMinutes(1), Duration.ofMinutes(5))), ahead);
        try (NodePresence joined = test.core().nodes().join()) {
            ClientPrincipal alice = test.client("acme", "alice", Protocol.HTTPS);
            test.core().sites().createSite("manila", "Manila");
            test.core().sites().addRoute(alice.tenant(), "manila", RouteMode.PUSH, PathPolicy.parse("/inbox"), 0, 0,
                    Duration.ZERO);
            upload(alice, "/inbox/a", 10);

            test.core().metrics().refresh();
            MeterRegistry meters = test.core().metrics().registry();

            assertThat(meters.get("vaultgate.forward.oldest").tag("site", "manila").gauge().value())
                    .as("the job was queued a moment ago").isLessThan(60.0);
            assertThat(meters.get("vaultgate.tenant.key.age").tag("tenant", "acme").gauge().value())
                    .as("the tenant was created a moment ago").isLessThan(60.0);
        }
    }

    @Test
    void forwardQueue_dropsASiteRemovedWithItsForwardsAbandoned() {
        test = TestCore.create(home);
        ClientPrincipal alice = test.client("acme", "alice", Protocol.HTTPS);
        test.core().sites().createSite("manila", "Manila");
        String route = test.core().sites().addRoute(alice.tenant(), "manila", RouteMode.PUSH,
                PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO).id();
        upload(alice, "/inbox/a", 10);
        test.core().sites().removeRoute(alice.tenant(), route);

        test.core().incidents().siteRemoval().removeSite("manila", "bankrupt", "root",
                SiteRemoval.UnfinishedWork.ABANDON);
        test.core().metrics().refresh();

        assertThat(test.core().metrics().registry().find("vaultgate.forward.queue").tag("site", "manila").gauges())
                .isEmpty();
    }

    @Test
    void aCatalogThatDoesNotAnswer_leavesTheGaugesAsTheyWere_withoutThrowing() throws Exception {
        test = TestCore.create(home, new CoreMetrics(registry, TenantLabels.defaults(), Clock.systemUTC()));
        test.client("acme", "alice", Protocol.SFTP);
        test.close();

        test.core().metrics().refresh();
    }

    private void upload(ClientPrincipal who, String path, int size) {
        try (Upload upload = test.core().ingest().open(who, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.allocate(size));
            upload.commit();
        }
    }

    private double gauge(String name, String tenant) {
        return registry.get(name).tag("tenant", tenant).gauge().value();
    }
}
