package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.files.NameOrder;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.sftp.testing.OpenSshSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenSSH {@code sftp ls} of a directory larger than two listing pages: every name once, none missing, in the
 * gateway's code point order ({@code ls -f} shows the server's order), while the gateway holds one page per open
 * directory handle.
 */
class OpenSshListingIT {

    /** Small pages, so that a directory of a few dozen names spans several (the default is 1000 entries). */
    private static final int PAGE = 10;

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withSettings(
            settings -> settings.withTuning(settings.tuning().withListingPage(PAGE)));

    @Test
    void lsOfADirectoryOfTwoAndAHalfPages_listsEveryNameOnce_inCodePointOrder() throws Exception {
        ClientPrincipal alice = gateway.principal(TestSftpGateway.ALICE);
        List<String> expected = new ArrayList<>();
        int count = PAGE * 5 / 2;
        for (int i = 0; i < count; i++) {
            expected.add((i % 3 == 0 ? "F" : "f") + String.format("%05d", i));
        }
        expected.add("subdir");
        for (String name : expected) {
            String path = name.equals("subdir") ? "/inbox/big/subdir/inner.csv" : "/inbox/big/" + name;
            try (Upload upload = gateway.core().ingest().open(alice, PathPolicy.parse(path), UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.wrap(new byte[] {1}));
                upload.commit();
            }
        }
        expected.sort(NameOrder.BINARY);

        OpenSshSftp.Result unsorted = gateway.openSsh(TestSftpGateway.ALICE).batch("ls -1 -f /inbox/big");

        assertThat(unsorted.succeeded()).as(unsorted.output()).isTrue();
        assertThat(names(unsorted.output())).containsExactlyElementsOf(expected);
    }

    /** The names an {@code ls -1} printed, without the echoed command. */
    private static List<String> names(String output) {
        return Arrays.stream(output.split("\n")).map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("sftp>"))
                .map(line -> line.substring(line.lastIndexOf('/') + 1)).toList();
    }
}
