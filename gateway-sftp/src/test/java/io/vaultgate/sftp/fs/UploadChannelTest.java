package io.vaultgate.sftp.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.ingest.CommitChecks;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.tenant.TenantId;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.sftp.common.SftpException;
import org.junit.jupiter.api.Test;

class UploadChannelTest {

    private static final Path PATH = Path.of("/inbox/a");

    @Test
    void writes_goToTheCoreAtTheirOwnOffsetsInArrivalOrder() throws Exception {
        FakeUpload upload = new FakeUpload(0);
        UploadChannel channel = new UploadChannel(PATH, upload);

        channel.position(32768).write(ByteBuffer.allocate(100));
        channel.position(0).write(ByteBuffer.allocate(32768));

        assertThat(upload.writes).containsExactly("32768+100", "0+32768");
        assertThat(channel.size()).isEqualTo(32868);
    }

    @Test
    void write_consumesTheBuffer() throws Exception {
        UploadChannel channel = new UploadChannel(PATH, new FakeUpload(0));
        ByteBuffer data = ByteBuffer.allocate(10);
        assertThat(channel.write(data)).isEqualTo(10);
        assertThat(data.hasRemaining()).isFalse();
    }

    @Test
    void resumedUpload_startsAtTheResumeOffset() {
        UploadChannel channel = new UploadChannel(PATH, new FakeUpload(5000));
        assertThat(channel.size()).isEqualTo(5000);
        assertThat(channel.position()).isEqualTo(5000);
    }

    @Test
    void commit_publishesAndReturnsTheReceipt() throws Exception {
        FakeUpload upload = new FakeUpload(0);
        UploadChannel channel = new UploadChannel(PATH, upload);
        Receipt receipt = channel.commit().orElseThrow();
        assertThat(upload.ending).containsExactly("commit", "close");
        assertThat(channel.receipt()).contains(receipt);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void replaceIfWritten_closedWithoutAWrite_discardsTheUploadInsteadOfPublishingAnEmptyFile() throws Exception {
        FakeUpload upload = new FakeUpload(0);
        UploadChannel channel = new UploadChannel(PATH, upload, UploadChannel.Publish.REPLACE_IF_WRITTEN);

        assertThat(channel.commit()).isEmpty();
        assertThat(upload.ending).containsExactly("abort");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void replaceIfWritten_withAWrite_publishes() throws Exception {
        FakeUpload upload = new FakeUpload(0);
        UploadChannel channel = new UploadChannel(PATH, upload, UploadChannel.Publish.REPLACE_IF_WRITTEN);
        channel.write(ByteBuffer.allocate(1));

        assertThat(channel.commit()).isPresent();
        assertThat(upload.ending).containsExactly("commit", "close");
    }

    @Test
    void closeWithoutCommit_keepsAResumablePartial() throws Exception {
        FakeUpload upload = new FakeUpload(0);
        UploadChannel channel = new UploadChannel(PATH, upload);
        channel.write(ByteBuffer.allocate(1));
        channel.close();
        assertThat(upload.ending).containsExactly("suspend", "close");
    }

    @Test
    void closeWithoutCommit_ofANewUploadNeverWritten_keepsNothing() {
        FakeUpload upload = new FakeUpload(0);
        new UploadChannel(PATH, upload).close();
        assertThat(upload.ending).containsExactly("abort");
    }

    @Test
    void closeWithoutCommit_ofANewUploadWrittenOnlyPastAGap_keepsNothing() throws Exception {
        FakeUpload upload = new FakeUpload(0);
        UploadChannel channel = new UploadChannel(PATH, upload);
        channel.position(70_000).write(ByteBuffer.allocate(100));
        channel.position(0).write(ByteBuffer.allocate(0));
        channel.close();
        assertThat(upload.ending).as("the core would keep 0 bytes: an empty partial hiding the file")
                .containsExactly("abort");
    }

    @Test
    void closeWithoutCommit_ofANewUploadWrittenFromZeroAndPastAGap_keepsThePartial() throws Exception {
        FakeUpload upload = new FakeUpload(0);
        UploadChannel channel = new UploadChannel(PATH, upload);
        channel.position(70_000).write(ByteBuffer.allocate(100));
        channel.position(0).write(ByteBuffer.allocate(10));
        channel.close();
        assertThat(upload.ending).containsExactly("suspend", "close");
    }

    @Test
    void closeWithoutCommit_ofAResumedUploadNotWrittenAgain_keepsItsPartial() {
        FakeUpload upload = new FakeUpload(5000);
        new UploadChannel(PATH, upload).close();
        assertThat(upload.ending).containsExactly("suspend", "close");
    }

    @Test
    void failedWrite_thenClientClose_discardsEverythingAndSaysSo() {
        FakeUpload upload = new FakeUpload(0);
        upload.failWith = new GatewayException(Reason.QUOTA_EXCEEDED, "quota exceeded");
        UploadChannel channel = new UploadChannel(PATH, upload);

        assertThatThrownBy(() -> channel.write(ByteBuffer.allocate(1)))
                .hasRootCauseInstanceOf(GatewayException.class);
        assertThatThrownBy(channel::commit).isInstanceOf(SftpException.class);
        assertThat(upload.ending).containsExactly("abort");
    }

    @Test
    void afterAFailedWrite_furtherWritesAreRefused_withoutReachingTheCore() {
        FakeUpload upload = new FakeUpload(0);
        upload.failWith = new GatewayException(Reason.INVALID_REQUEST, "outside the reorder window");
        UploadChannel channel = new UploadChannel(PATH, upload);
        assertThatThrownBy(() -> channel.write(ByteBuffer.allocate(1)));
        upload.failWith = null;

        assertThatThrownBy(() -> channel.position(0).write(ByteBuffer.allocate(1))).isInstanceOf(SftpException.class)
                .hasMessageContaining("earlier write failed");
        assertThat(upload.writes).isEmpty();
    }

    @Test
    void failedWrite_thenSessionEnd_discardsToo() {
        FakeUpload upload = new FakeUpload(0);
        upload.failWith = new GatewayException(Reason.INVALID_REQUEST, "outside the reorder window");
        UploadChannel channel = new UploadChannel(PATH, upload);
        assertThatThrownBy(() -> channel.write(ByteBuffer.allocate(1)));
        channel.close();
        assertThat(upload.ending).containsExactly("abort");
    }

    @Test
    void read_isRefused() {
        assertThatThrownBy(() -> new UploadChannel(PATH, new FakeUpload(0)).read(ByteBuffer.allocate(1)))
                .isInstanceOf(java.nio.file.AccessDeniedException.class);
    }

    static final class FakeUpload implements Upload {
        final List<String> writes = new ArrayList<>();
        final List<String> ending = new ArrayList<>();
        final long resumeOffset;
        GatewayException failWith;

        FakeUpload(long resumeOffset) {
            this.resumeOffset = resumeOffset;
        }

        @Override
        public String fileId() {
            return "f1";
        }

        @Override
        public long resumeOffset() {
            return resumeOffset;
        }

        @Override
        public void write(long offset, ByteBuffer src) {
            if (failWith != null) {
                throw failWith;
            }
            writes.add(offset + "+" + src.remaining());
            src.position(src.limit());
        }

        @Override
        public Receipt commit(CommitChecks checks) {
            ending.add("commit");
            return new Receipt("f1", TenantId.of("acme"), "/inbox/a", 0, "00", Instant.EPOCH);
        }

        @Override
        public void abort() {
            ending.add("abort");
        }

        @Override
        public void suspend() {
            ending.add("suspend");
        }

        @Override
        public void close() {
            if (!ending.contains("abort")) {
                ending.add("close");
            }
        }
    }
}
