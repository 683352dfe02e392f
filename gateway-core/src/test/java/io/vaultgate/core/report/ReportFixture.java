package io.vaultgate.core.report;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvents;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A scripted month of a tenant's life on a clock the script sets: everything a transparency report covers
 * happens once in November 2026, plus events just before and after it that the report must leave out.
 */
final class ReportFixture implements AutoCloseable {

    static final TenantId ACME = TenantId.of("acme");
    static final ReportPeriod NOVEMBER = ReportPeriod.parse("2026-11");

    final MutableClock clock = new MutableClock(Instant.parse("2026-10-30T09:00:00Z"));
    final TestCore test;

    ReportFixture(Path home) {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16, Duration.ofMinutes(30)), clock);
    }

    /** Runs the script; the clock ends on 2026-12-02T00:00:00Z. */
    ReportFixture script() {
        GatewayCore core = test.core();
        ClientPrincipal client = test.client("acme", "acme-upload", Protocol.SFTP);
        test.client("globex", "globex-upload", Protocol.SFTP);
        OperatorPrincipal maria = test.operator("manila", "maria", Protocol.SFTP);
        core.sites().addRoute(ACME, "manila", RouteMode.PULL, PathPolicy.parse("/inbox/work"), 1, 0, Duration.ZERO);
        at("2026-10-31T10:00:00Z");
        core.keyRotation().as("admin:root").rotate(ACME, false);
        upload(client, "/inbox/work/october.csv");
        at("2026-11-02T08:00:00Z");
        core.policies().as("admin:root").publish(ACME, "Acme <data> handling: on site only.\n");
        at("2026-11-02T08:30:00Z");
        core.policies().acknowledge(maria, ACME, OptionalInt.of(1));
        at("2026-11-03T09:00:00Z");
        upload(client, "/inbox/work/a.csv");
        String batch = core.batches().available(maria).stream().filter(b -> b.state().name().equals("READY"))
                .reduce((first, second) -> second).orElseThrow().id();
        at("2026-11-03T09:10:00Z");
        core.batches().claim(maria, batch);
        at("2026-11-03T09:15:00Z");
        read(maria, "/acme/" + batch + "/work/a.csv");
        at("2026-11-03T09:20:00Z");
        core.batches().complete(maria, batch);
        at("2026-11-04T07:00:00Z");
        core.audit().append(new AuditEvent.AuthFailed(clock.instant(), Optional.of(ACME), "acme-upload",
                Protocol.SFTP, "203.0.113.9", AuthFailure.BAD_CREDENTIAL));
        at("2026-11-05T12:00:00Z");
        core.audit().append(new AuditEvent.Forwarded(clock.instant(), Optional.of(ACME), AuditEvents.SYSTEM, "f_pushed1",
                "lyon", "ab".repeat(32), Optional.of("cd".repeat(32))));
        at("2026-11-10T06:00:00Z");
        core.keyRotation().as("admin:root").emergencyRotate(ACME, WorkProgress.NONE);
        at("2026-11-18T00:00:00Z");
        upload(client, "/inbox/notes.txt");
        core.files().delete(client, PathPolicy.parse("/inbox/notes.txt"));
        core.administration().as("admin:root").setRetention(ACME, Duration.ofDays(10));
        at("2026-11-20T00:00:00Z");
        core.retention().shredExpired();
        at("2026-11-25T00:00:00Z");
        upload(client, "/inbox/late.csv");
        core.administration().as("admin:root").issueAccountToken("acme-upload", "new laptop");
        at("2026-11-27T00:00:00Z");
        core.audit().append(new AuditEvent.SessionEnded(clock.instant(), Optional.of(ACME), "acme-upload",
                Protocol.HTTPS, "198.51.100.7", "account expired"));
        at("2026-12-01T00:00:00Z");
        core.policies().as("admin:root").publish(ACME, "December terms.\n");
        at("2026-12-02T00:00:00Z");
        return this;
    }

    SignedReport report() {
        return reports().generate(ACME, NOVEMBER, WorkProgress.NONE);
    }

    TransparencyReports reports() {
        try {
            return new TransparencyReports(test.database(), io.vaultgate.core.audit.AuditKeys.load(
                    test.home().resolve("audit-signing.key")), clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void at(String instant) {
        clock.advance(Duration.between(clock.instant(), Instant.parse(instant)));
    }

    private void upload(ClientPrincipal client, String path) {
        try (Upload upload = test.core().ingest().open(client, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(path.getBytes(StandardCharsets.UTF_8)));
            upload.commit();
        }
    }

    private void read(OperatorPrincipal operator, String path) {
        try (FileContent content = test.core().files().open(operator, PathPolicy.parse(path))) {
            content.read(0, ByteBuffer.allocate((int) content.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        test.close();
    }
}
