package io.vaultgate.core.forward;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.tenant.TenantStatus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder's one statement before a job is sent ({@link JobLookup}) reads what the separate reads did: the
 * file's row, the uploader's login name, the file's key slot and the site's forwarding configuration (and, since
 * review27, the tenant's status), each absent
 * where the separate read found nothing (a removed or unconfigured site, a file without a key slot, a file gone).
 * Runs on the catalog the build tests ({@code -Dvaultgate.test.catalog=postgresql} too).
 */
class JobLookupTest {

    @TempDir
    Path home;
    private ForwardFixture fixture;
    private final FileRepository files = new FileRepository();
    private final ForwardingSites sites = new ForwardingSites();

    @BeforeEach
    void configuredSite() {
        fixture = new ForwardFixture(home, new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(5)));
        fixture.configure(URI.create("https://127.0.0.1:9/drop"));
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void committedFileOfAConfiguredSite_readsTheSameAsTheSeparateReads() {
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(UTF_8));
        ForwardJob job = fixture.job(file);

        JobLookup.Row row = fixture.database.read(jdbc -> new JobLookup(sites).find(jdbc, job)).orElseThrow();

        assertThat(row.file()).isEqualTo(file);
        assertThat(row.username()).contains("acme-upload");
        assertThat(row.slot()).isEqualTo(fixture.database.read(jdbc -> files.keySlot(jdbc, file.id())))
                .isPresent();
        assertThat(row.site()).isEqualTo(fixture.database.read(jdbc -> sites.find(jdbc, ForwardFixture.SITE)))
                .isPresent();
    }

    /** review27: the tenant's status is read in the same statement, for the check after the job's claim. */
    @Test
    void tenantStatus_isReadWithTheRest_asItIsNow() {
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(UTF_8));
        ForwardJob job = fixture.job(file);
        JobLookup lookup = new JobLookup(sites);

        assertThat(fixture.database.read(jdbc -> lookup.find(jdbc, job)).orElseThrow().tenant())
                .contains(TenantStatus.ACTIVE);
        fixture.test.core().administration().lock(job.tenant());
        assertThat(fixture.database.read(jdbc -> lookup.find(jdbc, job)).orElseThrow().tenant())
                .contains(TenantStatus.LOCKED);
        fixture.markShredded(job.tenant().value());
        assertThat(fixture.database.read(jdbc -> lookup.find(jdbc, job)).orElseThrow().tenant())
                .contains(TenantStatus.SHREDDED);
    }

    @Test
    void removedOrUnconfiguredSite_noKeySlot_orFileGone_areAbsent() {
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "a".getBytes(UTF_8));
        ForwardJob job = fixture.job(file);
        JobLookup lookup = new JobLookup(sites);
        ForwardJob otherSite = withSite(job, "pune");

        JobLookup.Row unconfigured = fixture.database.read(jdbc -> lookup.find(jdbc, otherSite)).orElseThrow();
        assertThat(unconfigured.file()).isEqualTo(file);
        assertThat(unconfigured.site()).isEmpty();

        fixture.database.inTransaction(jdbc -> jdbc.update("DELETE FROM key_slots WHERE file_id = ?", file.id()));
        fixture.database.inTransaction(jdbc -> jdbc.update("UPDATE sites SET removed_at = ? WHERE id = ?",
                fixture.clock.instant().toEpochMilli(), ForwardFixture.SITE));
        JobLookup.Row removed = fixture.database.read(jdbc -> lookup.find(jdbc, job)).orElseThrow();
        assertThat(removed.file()).isEqualTo(file);
        assertThat(removed.slot()).isEmpty();
        assertThat(removed.site()).as("a removed site has no forwarding configuration").isEmpty();
        assertThat(removed.username()).contains("acme-upload");

        ForwardJob gone = new ForwardJob(job.id(), "f_0123456789abcdef0123456789abcdef", job.tenant(), job.siteId(),
                job.state(), job.version(), job.attempts(), job.nextAttemptAt(), job.leaseOwner(),
                job.leaseExpiresAt(), job.lastError(), job.siteDigest(), job.deliveredAt(), job.createdAt(),
                job.updatedAt());
        java.util.Optional<JobLookup.Row> none = fixture.database.read(jdbc -> lookup.find(jdbc, gone));
        assertThat(none).isEmpty();
    }

    private static ForwardJob withSite(ForwardJob job, String site) {
        return new ForwardJob(job.id(), job.fileId(), job.tenant(), site, job.state(), job.version(), job.attempts(),
                job.nextAttemptAt(), job.leaseOwner(), job.leaseExpiresAt(), job.lastError(), job.siteDigest(),
                job.deliveredAt(), job.createdAt(), job.updatedAt());
    }
}
