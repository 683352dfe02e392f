package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.sftp.testing.MinaSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * An upload whose session ends before the client's CLOSE is logged and counted as what it became: a resumable
 * partial when bytes were written, discarded when nothing was, or only past a gap (an empty partial is not kept:
 * it would hide the uploader's committed file).
 */
class InterruptedUploadLogIT {

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();

    private final ListAppender<ILoggingEvent> transfers = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("vaultgate.sftp.transfers");

    @BeforeEach
    void capture() {
        transfers.start();
        logger.addAppender(transfers);
    }

    @AfterEach
    void release() {
        logger.detachAppender(transfers);
    }

    @Test
    void aSessionEndingAfterSomeWrites_leavesAResumablePartial_soLoggedAndCounted() throws Exception {
        double suspended = count("upload_suspended");

        interrupt("/inbox/half.bin", new byte[] {1, 2, 3});

        assertThat(awaitLine("/inbox/half.bin")).endsWith("bytes=3 outcome=resumable-partial");
        awaitSettled();
        assertThat(count("upload_suspended")).isEqualTo(suspended + 1);
    }

    @Test
    void aSessionEndingBeforeAnyWrite_discardsTheUpload_andSaysSo() throws Exception {
        double failed = count("upload_failed");
        double suspended = count("upload_suspended");

        interrupt("/inbox/never-written.bin", new byte[0]);

        assertThat(awaitLine("/inbox/never-written.bin")).endsWith("bytes=0 outcome=discarded");
        awaitSettled();
        assertThat(count("upload_failed")).isEqualTo(failed + 1);
        assertThat(count("upload_suspended")).isEqualTo(suspended);
    }

    @Test
    void aSessionEndingAfterWritesOnlyPastAGap_discardsTheUpload_andTheCommittedFileShowsAgain() throws Exception {
        try (MinaSftp client = gateway.mina(TestSftpGateway.ALICE)) {
            client.put("/inbox/keep.txt", "seventeen bytes!\n");
        }
        double suspended = count("upload_suspended");

        MinaSftp client = gateway.mina(TestSftpGateway.ALICE);
        SftpClient.CloseableHandle handle = client.sftp().open("/inbox/keep.txt", SftpClient.OpenMode.Write,
                SftpClient.OpenMode.Create, SftpClient.OpenMode.Truncate);
        client.sftp().write(handle, 70_000, new byte[] {1, 2, 3}, 0, 3);
        client.disconnectAbruptly();

        assertThat(awaitLine("/inbox/keep.txt")).endsWith("outcome=discarded");
        awaitSettled();
        assertThat(count("upload_suspended")).isEqualTo(suspended);
        try (MinaSftp after = gateway.mina(TestSftpGateway.ALICE)) {
            assertThat(after.sftp().stat("/inbox/keep.txt").getSize()).as("no empty partial hides the file")
                    .isEqualTo(17);
            assertThat(after.get("/inbox/keep.txt")).isEqualTo("seventeen bytes!\n");
        }
    }

    private static void interrupt(String path, byte[] data) throws Exception {
        MinaSftp client = gateway.mina(TestSftpGateway.ALICE);
        SftpClient.CloseableHandle handle = client.sftp().open(path, SftpClient.OpenMode.Write,
                SftpClient.OpenMode.Create);
        if (data.length > 0) {
            client.sftp().write(handle, 0, data, 0, data.length);
        }
        client.disconnectAbruptly();
    }

    private String awaitLine(String path) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> lines = List.copyOf(transfers.list).stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(line -> line.startsWith("sftp upload interrupted") && line.contains("path=\"" + path + "\" "))
                    .toList();
            if (!lines.isEmpty()) {
                return lines.get(0);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no interrupted-upload line for " + path + " within 10 s");
    }

    /**
     * Until the handle's close has kept or discarded the upload (the line is logged just before it) and the server
     * has finished ending the session, whose listeners still write to the catalog.
     */
    private static void awaitSettled() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (gateway.core().uploads().active() > 0
                || gateway.meters().get("vaultgate.sftp.connections.open").gauge().value() > 0) {
            assertThat(System.nanoTime()).as("the upload settled within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static double count(String outcome) {
        var counter = gateway.meters().find("vaultgate.sftp.transfers").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
