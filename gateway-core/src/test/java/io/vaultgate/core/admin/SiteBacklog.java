package io.vaultgate.core.admin;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A site's forward jobs, made through the core as production makes them: a tenant's files committed under a push route
 * to the site (removed again, as a site's removal requires), then each job claimed and settled as a test needs.
 */
final class SiteBacklog {

    private final TestCore test;
    private final ClientPrincipal client;
    private final String siteId;
    private int files;

    SiteBacklog(TestCore test, ClientPrincipal client, String siteId) {
        this.test = test;
        this.client = client;
        this.siteId = siteId;
    }

    /** {@code n} jobs of the site, each failed for good (DEAD): their ids, oldest first. No other may be due. */
    List<String> dead(int n) {
        List<String> made = pending(n);
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ForwardJob job = claimOne();
            if (!made.contains(job.id())) {
                throw new IllegalStateException("claimed " + job.id() + ", due before the jobs made dead");
            }
            outbox().fail(job, "refused", true, Instant.now());
            dead.add(job.id());
        }
        return dead;
    }

    /** {@code n} jobs of the site, queued (PENDING): their ids, oldest first. */
    List<String> pending(int n) {
        return routed(n).stream().map(ForwardJob::id).toList();
    }

    /** The site's oldest due job, leased to a test node. */
    ForwardJob claimOne() {
        return outbox().claim(siteId, "test-node", 1, Duration.ofMinutes(1), Instant.now()).get(0);
    }

    /** {@code n} files committed under a push route to the site, the route removed after: the jobs made. */
    private List<ForwardJob> routed(int n) {
        Route route = test.core().sites().addRoute(client.tenant(), siteId, RouteMode.PUSH, PathPolicy.parse("/inbox"),
                0, 0, Duration.ZERO);
        List<ForwardJob> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String fileId = upload("/inbox/" + siteId + "-" + files++ + ".csv");
            jobs.add(outbox().byFile(fileId).stream().filter(job -> job.siteId().equals(siteId)).findFirst()
                    .orElseThrow());
        }
        test.core().sites().removeRoute(client.tenant(), route.id());
        return jobs;
    }

    private String upload(String path) {
        try (Upload upload = test.core().ingest().open(client, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            return upload.commit().fileId();
        }
    }

    private Outbox outbox() {
        return test.core().forwarding().outbox();
    }
}
