package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.OpenSshSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.CheckFileHandleExtension;
import org.apache.sshd.sftp.client.extensions.CheckFileNameExtension;
import org.apache.sshd.sftp.client.extensions.CopyDataExtension;
import org.apache.sshd.sftp.client.extensions.MD5FileExtension;
import org.apache.sshd.sftp.client.extensions.MD5HandleExtension;
import org.apache.sshd.sftp.client.extensions.SpaceAvailableExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHLimitsExtensionInfo;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatExtensionInfo;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHStatPathExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.apache.sshd.sftp.common.extensions.ParserUtils;
import org.apache.sshd.sftp.common.extensions.SpaceAvailableExtensionInfo;
import org.apache.sshd.sftp.common.extensions.Supported2Parser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SFTP extensions, announced and answered: {@code space-available} and {@code statvfs@openssh.com} report
 * the tenant quota and its use (MINA's client, OpenSSH's {@code df}), {@code limits@openssh.com},
 * {@code posix-rename@openssh.com} (never replacing a name), {@code check-file-handle} (at most 1024 block
 * hashes); {@code copy-data} and {@code md5-hash}, which MINA would answer unannounced, are refused.
 */
class SftpExtensionsIT {

    private static final long QUOTA = 10 * 1024 * 1024;
    private static final String QUOTA_TENANT = "quota-co";
    private static final String QUOTA_USER = "quinn";
    /** A WRITE's length, type, id, handle (a 32-character string), offset and data length. */
    private static final int WRITE_HEADER = 4 + 1 + 4 + 4 + 32 + 8 + 4;

    @TempDir
    static Path directory;
    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();

    @BeforeAll
    static void start() throws Exception {
        gateway.addClient(QUOTA_TENANT, QUOTA_USER);
        gateway.core().administration().setQuota(TenantId.of(QUOTA_TENANT), new Quota(QUOTA, 0));
    }

    @Test
    void versionReply_announcesEveryExtensionTheServerAnswers() throws Exception {
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            Map<String, byte[]> announced = client.sftp().getServerExtensions();
            assertThat(announced).containsKeys("posix-rename@openssh.com", "limits@openssh.com", "statvfs@openssh.com");
            assertThat(new String(announced.get("statvfs@openssh.com"))).isEqualTo("2");
            Supported2Parser.Supported2 supported = (Supported2Parser.Supported2) ParserUtils.parse(announced)
                    .get("supported2");
            assertThat(supported.extensionNames).contains("space-available", "check-file-handle", "check-file-name")
                    .doesNotContain("copy-data", "copy-file", "md5-hash", "md5-hash-handle");
            for (Class<? extends org.apache.sshd.sftp.client.extensions.SftpClientExtension> type : List.of(
                    SpaceAvailableExtension.class, OpenSSHStatPathExtension.class, OpenSSHLimitsExtension.class,
                    OpenSSHPosixRenameExtension.class, CheckFileHandleExtension.class)) {
                assertThat(client.sftp().getExtension(type).isSupported()).as(type.getSimpleName()).isTrue();
            }
        }
    }

    @Test
    void spaceAvailableAndStatVfs_reportTheTenantQuotaAndItsUse_afterAnUpload() throws Exception {
        byte[] data = MinaTransferIT.random(1024 * 1024 + 4321);
        try (MinaSftp client = MinaSftp.connect(gateway.port(), QUOTA_USER, gateway.key(QUOTA_USER))) {
            SftpClient sftp = client.sftp();
            long usedBefore = QUOTA - sftp.getExtension(SpaceAvailableExtension.class).available("/inbox")
                    .unusedBytesOnDevice;
            upload(sftp, "/inbox/space.bin", data);

            SpaceAvailableExtensionInfo space = sftp.getExtension(SpaceAvailableExtension.class).available("/inbox");
            assertThat(space.bytesOnDevice).isEqualTo(QUOTA);
            assertThat(space.unusedBytesOnDevice).isEqualTo(QUOTA - usedBefore - data.length);
            assertThat(space.bytesAvailableToUser).as("the quota is the user's").isEqualTo(QUOTA);
            assertThat(space.unusedBytesAvailableToUser).isEqualTo(space.unusedBytesOnDevice);

            OpenSSHStatExtensionInfo vfs = sftp.getExtension(OpenSSHStatPathExtension.class).stat("/inbox");
            assertThat(vfs.f_frsize * vfs.f_blocks).isEqualTo(QUOTA);
            assertThat(vfs.f_frsize * vfs.f_bfree).isEqualTo(QUOTA - usedBefore - data.length);
            assertThat(vfs.f_bavail).isEqualTo(vfs.f_bfree);
            assertThat(vfs.f_files).as("never 0: OpenSSH's df -i divides by it").isPositive();
            assertThat(vfs.f_namemax).isEqualTo(PathPolicy.MAX_SEGMENT_LENGTH);
            assertThat(vfs.f_flag & OpenSSHStatExtensionInfo.SSH_FXE_STATVFS_ST_NOSUID).isNotZero();

            assertThat(sftp.getExtension(OpenSSHStatPathExtension.class).stat("/").f_blocks)
                    .as("the same quota anywhere in the namespace").isEqualTo(QUOTA);
            assertThatThrownBy(() -> sftp.getExtension(OpenSSHStatPathExtension.class).stat("/inbox/missing"))
                    .isInstanceOf(SftpException.class)
                    .satisfies(e -> assertThat(((SftpException) e).getStatus()).isEqualTo(2));
            assertThat(sftp.stat("/inbox/space.bin").getSize()).as("the session goes on normally").isEqualTo(data.length);
        }
    }

    @Test
    void openSshDf_showsTheQuotaItsUseAndWhatIsLeft() throws Exception {
        long used = QUOTA - statVfs(QUOTA_USER, "/inbox").f_bfree;
        Path local = Files.write(directory.resolve("df.bin"), MinaTransferIT.random(2 * 1024 * 1024));
        OpenSshSftp sftp = gateway.openSsh(TestSftpGateway.ALICE).withKey(gateway.key(QUOTA_USER)).against(gateway.port(), QUOTA_USER);
        OpenSshSftp.Result result = sftp.batch("put " + local + " /inbox/df.bin", "cd /inbox", "df", "df -h");
        assertThat(result.succeeded()).as(result.output()).isTrue();
        long usedNow = used + Files.size(local);

        Matcher kib = Pattern.compile("(?m)^\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)%").matcher(result.output());
        assertThat(kib.find()).as(result.output()).isTrue();
        assertThat(Long.parseLong(kib.group(1))).as("Size (KiB)").isEqualTo(QUOTA / 1024);
        assertThat(Long.parseLong(kib.group(2))).as("Used (KiB)").isEqualTo(usedNow / 1024);
        assertThat(Long.parseLong(kib.group(3))).as("Avail (KiB)").isEqualTo((QUOTA - usedNow) / 1024);
        assertThat(Long.parseLong(kib.group(5))).as("%Capacity").isEqualTo(100 * usedNow / QUOTA);
        assertThat(result.output()).as("df -h").contains("10.0M");
    }

    @Test
    void tenantWithoutQuota_reportsNoLimit_andWhatItUses() throws Exception {
        OpenSSHStatExtensionInfo vfs = statVfs(TestSftpGateway.ALICE, "/inbox");
        assertThat(vfs.f_blocks).isEqualTo(Long.MAX_VALUE);
        assertThat(vfs.f_bfree).isLessThanOrEqualTo(Long.MAX_VALUE);
        OpenSshSftp.Result df = gateway.openSsh(TestSftpGateway.BOB).batch("df", "df -h", "df -i");
        assertThat(df.succeeded()).as(df.output()).isTrue();
    }

    @Test
    void limits_reportTheHandleLimitAndPacketSizes() throws Exception {
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            OpenSSHLimitsExtensionInfo limits = client.sftp().getExtension(OpenSSHLimitsExtension.class).limits();
            assertThat(limits.maxOpenHandles).isEqualTo(SftpLimits.defaults().maxHandlesPerSession());
            assertThat(limits.maxPacketLength).isPositive();
            assertThat(limits.maxReadLength).isPositive().isLessThanOrEqualTo(limits.maxPacketLength);
            assertThat(limits.maxWriteLength).isPositive().isLessThanOrEqualTo(limits.maxPacketLength);
        }
    }

    @Test
    void limits_announceAWriteLengthThatKeepsRequestAssemblyWithin256KiB() throws Exception {
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            OpenSSHLimitsExtensionInfo limits = client.sftp().getExtension(OpenSSHLimitsExtension.class).limits();
            long packet = client.sftp().getClientChannel().getRemoteWindow().getPacketSize();
            assertThat(limits.maxWriteLength).isGreaterThanOrEqualTo(SftpModuleProperties.MIN_WRITEDATA_PACKET_LENGTH);
            assertThat(limits.maxWriteLength + WRITE_HEADER + packet)
                    .as("a partly received WRITE plus the packet behind it").isLessThanOrEqualTo(256 * 1024);
        }
    }

    @Test
    void writesAboveTheAnnouncedLength_upToMinasOwnLimit_areStillAccepted() throws Exception {
        byte[] data = new byte[250 * 1024];
        new java.util.Random(7).nextBytes(data);
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = client.sftp();
            SftpModuleProperties.WRITE_CHUNK_SIZE.set(sftp.getClientChannel(), data.length);
            try (SftpClient.CloseableHandle handle = sftp.open("/inbox/one-large-write.bin",
                    SftpClient.OpenMode.Write, SftpClient.OpenMode.Create)) {
                sftp.write(handle, 0, data, 0, data.length);
            }
            try (java.io.InputStream in = sftp.read("/inbox/one-large-write.bin")) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
        }
    }

    @Test
    void posixRename_movesAFile_butNeverReplacesOne() throws Exception {
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = client.sftp();
            upload(sftp, "/inbox/posix-a.bin", new byte[] {1, 2, 3});
            upload(sftp, "/inbox/posix-b.bin", new byte[] {4});
            OpenSSHPosixRenameExtension rename = sftp.getExtension(OpenSSHPosixRenameExtension.class);

            rename.posixRename("/inbox/posix-a.bin", "/inbox/posix-c.bin");
            assertThat(sftp.stat("/inbox/posix-c.bin").getSize()).isEqualTo(3);
            assertThatThrownBy(() -> sftp.stat("/inbox/posix-a.bin")).isInstanceOf(SftpException.class);

            assertThatThrownBy(() -> rename.posixRename("/inbox/posix-c.bin", "/inbox/posix-b.bin"))
                    .isInstanceOf(SftpException.class);
            assertThat(sftp.stat("/inbox/posix-b.bin").getSize()).as("the target is untouched").isEqualTo(1);
            assertThat(sftp.stat("/inbox/posix-c.bin").getSize()).isEqualTo(3);
        }
        OpenSshSftp.Result openSsh = gateway.openSsh(TestSftpGateway.ALICE).batch(
                "rename /inbox/posix-c.bin /inbox/posix-d.bin", "ls /inbox");
        assertThat(openSsh.succeeded()).as(openSsh.output()).isTrue();
        String listing = String.join("\n", openSsh.output().lines().filter(l -> !l.startsWith("sftp>")).toList());
        assertThat(listing).contains("posix-d.bin").doesNotContain("posix-c.bin");
    }

    @Test
    void checkFileHandle_hashesThePlaintext() throws Exception {
        byte[] data = MinaTransferIT.random(150_000);
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = client.sftp();
            upload(sftp, "/inbox/check-handle.bin", data);
            try (SftpClient.CloseableHandle handle = sftp.open("/inbox/check-handle.bin")) {
                var result = sftp.getExtension(CheckFileHandleExtension.class)
                        .checkFileHandle(handle, List.of("sha256"), 0, 0, 0);
                assertThat(result.getKey()).isEqualTo("sha256");
                assertThat(HexFormat.of().formatHex(result.getValue().iterator().next()))
                        .isEqualTo(MinaTransferIT.sha256(data));
            }
        }
    }

    @Test
    void copyData_isRefused_andTheResumablePartialItWouldHaveBrokenStays() throws Exception {
        byte[] partial = MinaTransferIT.random(100_000);
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            upload(client.sftp(), "/inbox/copy-source.txt", "some other content".getBytes());
        }
        MinaSftp cut = gateway.mina(TestSftpGateway.ALICE);
        SftpClient.CloseableHandle writing = cut.sftp().open("/inbox/copy-part.bin", SftpClient.OpenMode.Write,
                SftpClient.OpenMode.Create);
        cut.sftp().write(writing, 0, partial, 0, partial.length);
        cut.disconnectAbruptly();
        awaitSize("/inbox/copy-part.bin", partial.length);

        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = client.sftp();
            try (SftpClient.CloseableHandle read = sftp.open("/inbox/copy-source.txt", SftpClient.OpenMode.Read);
                 SftpClient.CloseableHandle append = sftp.open("/inbox/copy-part.bin",
                         java.util.EnumSet.of(SftpClient.OpenMode.Write, SftpClient.OpenMode.Append))) {
                assertThatThrownBy(() -> sftp.getExtension(CopyDataExtension.class).copyData(read, 0, 8, append, 0))
                        .isInstanceOf(SftpException.class)
                        .hasMessageContaining("copy-data is not supported")
                        .satisfies(e -> assertThat(((SftpException) e).getStatus())
                                .isEqualTo(SftpConstants.SSH_FX_OP_UNSUPPORTED));
            }
            assertThat(sftp.stat("/inbox/copy-part.bin").getSize()).as("the CLOSE published the partial as it was")
                    .isEqualTo(partial.length);
            try (java.io.InputStream in = sftp.read("/inbox/copy-part.bin")) {
                assertThat(in.readAllBytes()).isEqualTo(partial);
            }
        }
    }

    @Test
    void md5Hash_isRefused() throws Exception {
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = client.sftp();
            upload(sftp, "/inbox/md5.bin", MinaTransferIT.random(5000));
            assertThatThrownBy(() -> sftp.getExtension(MD5FileExtension.class).getHash("/inbox/md5.bin", 0, 0,
                    new byte[0]))
                    .isInstanceOf(SftpException.class).hasMessageContaining("md5-hash is not supported");
            try (SftpClient.CloseableHandle handle = sftp.open("/inbox/md5.bin")) {
                assertThatThrownBy(() -> sftp.getExtension(MD5HandleExtension.class).getHash(handle, 0, 0,
                        new byte[0]))
                        .isInstanceOf(SftpException.class).hasMessageContaining("md5-hash is not supported");
            }
            assertThat(sftp.stat("/inbox/md5.bin").getSize()).as("the session goes on").isEqualTo(5000);
        }
    }

    @Test
    void checkFile_answersBlockHashesOf8KiBMultiplesWithinTheBounds_andRefusesOthers() throws Exception {
        byte[] data = MinaTransferIT.random(300_000);
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            SftpClient sftp = client.sftp();
            upload(sftp, "/inbox/check-blocks.bin", data);
            try (SftpClient.CloseableHandle handle = sftp.open("/inbox/check-blocks.bin")) {
                CheckFileHandleExtension check = sftp.getExtension(CheckFileHandleExtension.class);
                java.util.Collection<byte[]> blocks = check.checkFileHandle(handle, List.of("sha256"), 0,
                        128 * 8192, 8192).getValue(); // 1 MiB, the most one request hashes
                assertThat(blocks).as("one per 8 KiB block up to the end").hasSize((data.length + 8191) / 8192);
                assertThat(HexFormat.of().formatHex(blocks.iterator().next()))
                        .isEqualTo(MinaTransferIT.sha256(java.util.Arrays.copyOf(data, 8192)));
                long[][] refused = {{1024 * 8192 + 1, 8192}, {0, 8192}, {data.length, 256}, {256 * 100, 256}};
                for (long[] ask : refused) {
                    assertThatThrownBy(() -> check.checkFileHandle(handle, List.of("sha256"), 0, ask[0], (int) ask[1]))
                            .as("length %d, block size %d", ask[0], ask[1])
                            .isInstanceOf(SftpException.class)
                            .hasMessageContaining("at most 1024 blocks")
                            .satisfies(e -> assertThat(((SftpException) e).getStatus())
                                    .isEqualTo(SftpConstants.SSH_FX_OP_UNSUPPORTED));
                }
                assertThat(check.checkFileHandle(handle, List.of("sha256"), 0, 0, 0).getValue())
                        .as("one hash of the whole file").hasSize(1);
            }
            assertThatThrownBy(() -> sftp.getExtension(CheckFileNameExtension.class)
                    .checkFileName("/inbox/check-blocks.bin", List.of("sha256"), 0, 0, 8192))
                    .isInstanceOf(SftpException.class).hasMessageContaining("at most 1024 blocks");
        }
    }

    private static void awaitSize(String path, long size) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (true) {
            try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
                if (client.sftp().stat(path).getSize() == size
                        && gateway.core().uploads().active() == 0) {
                    return;
                }
            } catch (SftpException notYet) {
                // the partial is not there yet
            }
            assertThat(System.nanoTime()).as(path + " reached " + size + " bytes within 10 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static OpenSSHStatExtensionInfo statVfs(String user, String path) throws Exception {
        try (MinaSftp client = MinaSftp.connect(gateway.port(), user, gateway.key(user))) {
            return client.sftp().getExtension(OpenSSHStatPathExtension.class).stat(path);
        }
    }

    private static void upload(SftpClient sftp, String path, byte[] data) throws Exception {
        try (java.io.OutputStream out = sftp.write(path)) {
            out.write(data);
        }
    }
}
