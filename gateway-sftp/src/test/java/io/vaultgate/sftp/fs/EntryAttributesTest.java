package io.vaultgate.sftp.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.path.PathPolicy;
import java.time.Instant;
import java.util.Map;
import org.apache.sshd.sftp.common.SftpHelper;
import org.junit.jupiter.api.Test;

/** What {@code ls -l} shows for entries whose long name MINA builds from the attributes ({@code .}, {@code ..}). */
class EntryAttributesTest {

    private static final Instant MODIFIED = Instant.parse("2026-12-02T09:00:00Z");

    @Test
    void longNameOfADirectoryMinaStatsItself_showsVaultgateAsOwnerAndGroup() {
        Map<String, Object> attributes = EntryAttributes.of(FileEntry.directory(PathPolicy.parse("/inbox"), MODIFIED))
                .asMap(true);

        String longName = SftpHelper.getLongName(".", attributes);

        assertThat(longName).matches("drwxr-x--- +1 vaultgate +vaultgate +0 .* \\.");
        assertThat(attributes.get("owner")).hasToString("vaultgate");
        assertThat(attributes.get("group")).hasToString("vaultgate");
    }

    @Test
    void ownerAndGroup_areOneValue_equalToItself() {
        EntryAttributes file = EntryAttributes.of(new FileEntry(PathPolicy.parse("/inbox/a.csv"), false, 5, MODIFIED,
                false));

        assertThat(file.owner().getName()).isEqualTo("vaultgate");
        assertThat(file.owner()).isEqualTo(file.group()).isEqualTo(new FixedOwner("vaultgate"));
        assertThat(SftpHelper.getLongName("a.csv", file.asMap(true))).matches("-rw-r----- +1 vaultgate +vaultgate +5 "
                + ".* a\\.csv");
    }
}
