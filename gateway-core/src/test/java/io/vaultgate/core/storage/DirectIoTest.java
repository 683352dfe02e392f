package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@link DirectIo}'s probe says why it turned direct I/O down (review24a L4): the refusal's exception class and
 * message, or the missing directory's. Before, nothing in the log said why; the start-up line only said that the file
 * system refuses direct I/O.
 */
class DirectIoTest {

    @TempDir
    Path dir;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(DirectIo.class);
    private Level level;

    @BeforeEach
    void attach() {
        level = logger.getLevel();
        logger.setLevel(Level.INFO); // the tests' logback configuration may show only warnings
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(logged);
        logger.setLevel(level);
    }

    @Test
    void aRefusedOpen_isLoggedWithItsCause() {
        assertThat(DirectIo.blockSize(dir, (file, options) -> {
            throw new FileSystemException(file.toString(), null, "Invalid argument"); // tmpfs before Linux 6.6
        })).isEmpty();

        assertThat(lines()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("INFO direct I/O probe in " + dir + ": refused (java.nio.file.FileSystemException: ")
                .contains("Invalid argument"));
    }

    @Test
    void anOptionNotSupported_isLoggedWithItsCause() {
        assertThat(DirectIo.blockSize(dir, (file, options) -> {
            throw new UnsupportedOperationException("O_DIRECT not supported here");
        })).isEmpty();

        assertThat(lines()).singleElement().asString()
                .contains("refused (java.lang.UnsupportedOperationException: O_DIRECT not supported here)");
    }

    @Test
    void aMissingDirectory_isLoggedWithItsCause() {
        Path missing = dir.resolve("no-such-directory");

        assertThat(DirectIo.blockSize(missing)).isEmpty();

        assertThat(lines()).singleElement().asString().contains("direct I/O probe in " + missing + ": refused (",
                "NoSuchFileException");
    }

    @Test
    void aProbeThatWorks_logsNothing() {
        assertThat(DirectIo.blockSize(dir)).isPresent();

        assertThat(lines()).isEmpty();
    }

    private List<String> lines() {
        return logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }
}
