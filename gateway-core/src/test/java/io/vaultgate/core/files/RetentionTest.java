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

    private static void upload(TestCore test, ClientPrincipal who, String path) {
        try (Upload upload = test.core().ingest().open(who, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
            upload.commit();
        }
    }
}
