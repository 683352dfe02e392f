package io.vaultgate.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TestStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {

    @TempDir
    Path home;

    @Test
    void filesPastTheTenantsRetention_areShredded_othersKept() throws IOException {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
        try (TestCore test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16), clock)) {
            ClientPrincipal shortLived = test.client("acme", "acme-up", Protocol.SFTP);
            ClientPrincipal keeper = test.client("globex", "globex-up", Protocol.SFTP);
            test.core().administration().setRetention(shortLived.tenant(), Duration.ofDays(7));
            upload(test, shortLived, "/inbox/old.csv");
            upload(test, keeper, "/inbox/old.csv");
            clock.advance(Duration.ofDays(6));
            upload(test, shortLived, "/inbox/new.csv");

            clock.advance(Duration.ofDays(2));
            assertThat(test.core().retention().shredExpired()).isEqualTo(1);

            assertThatThrownBy(() -> test.core().files().stat(shortLived, PathPolicy.parse("/inbox/old.csv")))
                    .isInstanceOf(GatewayException.class);
            assertThat(test.core().files().stat(shortLived, PathPolicy.parse("/inbox/new.csv")).size()).isEqualTo(4);
            assertThat(test.core().files().stat(keeper, PathPolicy.parse("/inbox/old.csv")).size()).isEqualTo(4);
            Assumptions.assumeFalse(TestStore.s3(), "lists the files of a directory store");
            try (Stream<Path> objects = Files.walk(home.resolve("objects").resolve("acme"))) {
                assertThat(objects.filter(Files::isRegularFile).count()).isEqualTo(1);
            }
        }
    }

    @Test
    void aRetentionOfCenturies_keepsEverything_andOtherTenantsAreStillShredded() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
        try (TestCore test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16), clock)) {
            ClientPrincipal forever = test.client("acme", "acme-up", Protocol.SFTP);
            ClientPrincipal week = test.client("globex", "globex-up", Protocol.SFTP);
            test.core().administration().setRetention(forever.tenant(), Duration.ofSeconds(Long.MAX_VALUE));
            test.core().administration().setRetention(week.tenant(), Duration.ofDays(7));
            upload(test, forever, "/inbox/kept.csv");
            upload(test, week, "/inbox/old.csv");
            clock.advance(Duration.ofDays(8));

            assertThat(test.core().retention().shredExpired()).isEqualTo(1);
            assertThat(test.core().files().stat(forever, PathPolicy.parse("/inbox/kept.csv")).size()).isEqualTo(4);
        }
    }

    @Test
    void aRenamedFile_keepsItsAge_soRenamingCannotKeepAFilePastItsRetention() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
        try (TestCore test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16), clock)) {
            ClientPrincipal client = test.client("acme", "acme-up", Protocol.SFTP);
            test.core().administration().setRetention(client.tenant(), Duration.ofDays(7));
            upload(test, client, "/inbox/report.csv");
            Instant modified = test.core().files().stat(client, PathPolicy.parse("/inbox/report.csv")).modified();
            clock.advance(Duration.ofDays(6));
            test.core().files().rename(client, PathPolicy.parse("/inbox/report.csv"),
                    PathPolicy.parse("/inbox/report-renamed.csv"));
            assertThat(test.core().files().stat(client, PathPolicy.parse("/inbox/report-renamed.csv")).modified())
                    .as("a rename keeps the modification time, as on a POSIX file system").isEqualTo(modified);

            clock.advance(Duration.ofDays(2));

            assertThat(test.core().retention().shredExpired()).isEqualTo(1);
            assertThatThrownBy(() -> test.core().files().stat(client, PathPolicy.parse("/inbox/report-renamed.csv")))
                    .isInstanceOf(GatewayException.class);
        }
    }

    @Test
    void moreExpiredFilesThanOnePage_areAllShreddedInOnePass() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
        try (TestCore test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16), clock)) {
            ClientPrincipal client = test.client("acme", "acme-up", Protocol.SFTP);
            test.core().administration().setRetention(client.tenant(), Duration.ofDays(1));
            int files = Retention.PAGE * 2 + 3;
            for (int i = 0; i < files; i++) {
                upload(test, client, "/inbox/f" + i + ".csv");
            }
            clock.advance(Duration.ofDays(2));
            upload(test, client, "/inbox/fresh.csv");

            assertThat(test.core().retention().shredExpired()).isEqualTo(files);
            assertThat(test.core().files().list(client, PathPolicy.parse("/inbox"))).extracting(FileEntry::name)
                    .containsExactly("fresh.csv");
        }
    }

    private static void upload(TestCore test, ClientPrincipal who, String path) {
        try (Upload upload = test.core().ingest().open(who, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
            upload.commit();
        }
    }
}
