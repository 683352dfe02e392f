package io.vaultgate.core.forward;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-up shared by the forwarder's tests against a {@link SiteStub}: a real core, the stub configured as
 * site "manila", a forwarder of node "node-a" (not started), 3 attempts with backoff from 10 s to 5 min. A
 * test may replace {@link #site} (close it first); whatever is in the fields is closed afterwards.
 */
abstract class StubSiteTest {

    @TempDir
    Path home;
    ForwardFixture fixture;
    SiteStub site;
    Forwarder forwarder;

    @BeforeEach
    void startStubSite() throws Exception {
        fixture = new ForwardFixture(home, new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(5)));
        site = fixture.stub();
        fixture.configure(site.endpoint());
        forwarder = fixture.forwarder("node-a");
    }

    @AfterEach
    void stopStubSite() {
        forwarder.close();
        site.close();
        fixture.close();
    }
}
