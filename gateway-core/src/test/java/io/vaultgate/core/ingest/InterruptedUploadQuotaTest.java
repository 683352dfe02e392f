package io.vaultgate.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupted upload is kept as a resumable partial only within the tenant's byte quota: uploads streaming at the
 * same time each check their writes against what was stored when they opened, so without a check when they are cut
 * off they would together keep several times the quota as partials (which count towards it and stay resumable).
 */
class InterruptedUploadQuotaTest {

    private static final int QUOTA = 100_000;

    @TempDir
    Path home;
    private TestCore test;
    private ClientPrincipal alice;
    private ClientPrincipal bob;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home);
        alice = test.client("acme", "alice", Protocol.SFTP);
        bob = test.client("acme", "bob", Protocol.SFTP);
        test.core().administration().setQuota(alice.tenant(), new Quota(QUOTA, 0));
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void uploadsCutOffTogether_keepPartialsOnlyWithinTheByteQuota_andTheOthersStartOver() {
        List<VirtualPath> paths = new ArrayList<>();
        List<Upload> uploads = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // two accounts, four sessions, each streaming 80 % of the quota at once
            paths.add(PathPolicy.parse("/inbox/big-" + i + ".bin"));
            uploads.add(test.core().ingest().open(owner(i), paths.get(i), UploadMode.CREATE));
        }
        for (Upload upload : uploads) {
            upload.write(0, ByteBuffer.wrap(new byte[QUOTA * 8 / 10]));
        }
        uploads.forEach(Upload::close); // the connections drop

        long[] used = test.database().read(jdbc -> new FileRepository().usage(jdbc, alice.tenant()));
        long[] summed = test.database().read(jdbc -> new FileRepository().usageFromFiles(jdbc, alice.tenant()));
        assertThat(used).as("counters agree with the files").containsExactly(summed);
        assertThat(used[0]).as("the first cut off is kept; the others would exceed the quota")
                .isEqualTo(QUOTA * 8 / 10);
        assertThat(count("SELECT COUNT(*) FROM files WHERE state = 'PARTIAL'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE kind = 'upload.suspended'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE kind = 'upload.aborted' "
                + "AND event LIKE '%quota exceeded%'")).isEqualTo(3);

        // the partial kept: resumable, also once the quota is lowered below it (as the tenant's files, it stays)
        test.core().administration().setQuota(alice.tenant(), new Quota(QUOTA / 2, 0));
        for (int again = 0; again < 2; again++) {
            try (Upload resumed = test.core().ingest().open(alice, paths.get(0), UploadMode.RESUME)) {
                assertThat(resumed.resumeOffset()).isEqualTo(QUOTA * 8 / 10);
            } // cut off without a byte written: keeps what it held
        }
        for (int i = 1; i < 4; i++) { // the discarded ones: nothing to resume, the client uploads them afresh
            ClientPrincipal who = owner(i);
            VirtualPath path = paths.get(i);
            assertThatThrownBy(() -> test.core().ingest().open(who, path, UploadMode.RESUME))
                    .isInstanceOfSatisfying(GatewayException.class,
                            e -> assertThat(e.reason()).isEqualTo(GatewayException.Reason.NOT_FOUND));
        }
    }

    @Test
    void resumedPartial_growingPastWhatAnotherUploadLeft_isDiscardedWhenCutOffAgain() {
        VirtualPath a = PathPolicy.parse("/inbox/a.bin");
        VirtualPath b = PathPolicy.parse("/inbox/b.bin");
        try (Upload upload = test.core().ingest().open(alice, a, UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[QUOTA / 2]));
        } // kept: half the quota
        Upload bobs = test.core().ingest().open(bob, b, UploadMode.CREATE);
        Upload resumed = test.core().ingest().open(alice, a, UploadMode.RESUME);
        bobs.write(0, ByteBuffer.wrap(new byte[QUOTA * 4 / 10])); // within the quota beside alice's half
        resumed.write(QUOTA / 2, ByteBuffer.wrap(new byte[QUOTA * 4 / 10])); // and so is alice's 90 %, alone
        bobs.close();
        resumed.close(); // would keep 90 % beside bob's 40 %

        assertThat(test.database().read(jdbc -> new FileRepository().usage(jdbc, alice.tenant()))[0])
                .isEqualTo(QUOTA * 4 / 10);
        assertThat(count("SELECT COUNT(*) FROM audit_events WHERE kind = 'upload.aborted' "
                + "AND event LIKE '%quota exceeded%'")).isEqualTo(1);
        assertThatThrownBy(() -> test.core().ingest().open(alice, a, UploadMode.RESUME))
                .as("alice's partial went whole, also the half kept before: she uploads the file again")
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(GatewayException.Reason.NOT_FOUND));
        try (Upload again = test.core().ingest().open(bob, b, UploadMode.RESUME)) {
            assertThat(again.resumeOffset()).isEqualTo(QUOTA * 4 / 10);
        }
    }

    private ClientPrincipal owner(int i) {
        return i % 2 == 0 ? alice : bob;
    }

    private long count(String sql) {
        return test.database().read(jdbc -> jdbc.count(sql));
    }
}
