package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadLedger;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class TransferMdcTest {

    @TempDir
    Path home;
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger ledger = (Logger) LoggerFactory.getLogger(UploadLedger.class);
    private Level level;
    private TestCore test;

    @BeforeEach
    void setUp() {
        level = ledger.getLevel();
        ledger.setLevel(Level.INFO);
        captured.start();
        ledger.addAppender(captured);
        test = TestCore.create(home);
    }

    @AfterEach
    void tearDown() {
        test.close();
        ledger.detachAppender(captured);
        ledger.setLevel(level);
    }

    @Test
    void linesLoggedDuringAnUpload_nameTheTransferTenantLoginAndProtocol_andTheMdcIsRestoredAfter() {
        ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
        MDC.put("session", "s-1");
        MDC.put("tenant", "outer");
        Receipt receipt;
        try (Upload upload = test.core().ingest().open(alice, PathPolicy.parse("/inbox/a"), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.allocate(10));
            receipt = upload.commit();
        }

        ILoggingEvent committed = captured.list.stream()
                .filter(e -> e.getFormattedMessage().startsWith("upload committed")).findFirst().orElseThrow();
        assertThat(committed.getMDCPropertyMap()).containsAllEntriesOf(Map.of("transfer", receipt.fileId(),
                "tenant", "acme", "principal", "alice", "protocol", "sftp", "session", "s-1"));
        assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("session", "s-1", "tenant", "outer"));
        MDC.clear();
    }

    @Test
    void aPathWithSpacesAndQuotes_isLoggedQuoted_soItCannotPoseAsMoreFieldsOfTheLine() {
        ClientPrincipal alice = test.client("acme", "alice", Protocol.SFTP);
        try (Upload upload = test.core().ingest().open(alice, PathPolicy.parse("/inbox/a size=0 \"b.csv"),
                UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.allocate(10));
            upload.commit();
        }

        assertThat(captured.list).map(ILoggingEvent::getFormattedMessage)
                .filteredOn(line -> line.startsWith("upload committed"))
                .singleElement()
                .satisfies(line -> assertThat(line).endsWith(" path=\"/inbox/a size=0 \\\"b.csv\" size=10"));
    }
}
