package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.TestKeystore;
import io.vaultgate.server.Vaultgate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate aot-train}'s workload against a real gateway in-process (the launcher's training run is
 * AotTrainIT, on JDK 25), and its refusal to run where no AOT cache would come of it.
 */
class AotTrainCommandTest {

    @TempDir
    Path home;

    /** The demo's tenant and account, the real SFTP and HTTPS front-ends; any refusal would have thrown. */
    @Test
    void train_uploadsAndDownloadsOverSftpAndHttps_inSeveralSessions_thenStopsTheGateway() throws Exception {
        TestKeystore.seed(home);

        AotWorkload.Done done = AotTrainCommand.train(home, 4, 2);

        assertThat(done).isEqualTo(new AotWorkload.Done(4, 2, 2, 1, 1));
        try (Stream<Path> objects = Files.walk(home.resolve("objects"))) {
            assertThat(objects.filter(Files::isRegularFile).count()).as("stored, encrypted").isGreaterThanOrEqualTo(5);
        }
        assertThat(home.resolve("demo/id_ed25519")).as("the demo's set-up made the client").exists();
    }

    /** JDK 17 has no AOT cache; on JDK 25 a JVM not recording one would throw the training away. */
    @Test
    void withoutAJvmRecordingACache_refusesWithTheReason_andDoesNothing() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = Vaultgate.execute(new String[] {"aot-train", "--uploads", "5"}, Map.of(), new PrintWriter(out,
                true), new PrintWriter(err, true));

        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains(Runtime.version().feature() < 25
                ? "AOT caches need JDK 25 or later" : "this JVM records no AOT cache").contains("nothing was done");
    }

    @Test
    void fewerThanOneUpload_isBadUsage() {
        StringWriter err = new StringWriter();

        int code = Vaultgate.execute(new String[] {"aot-train", "--uploads", "0"}, Map.of(),
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--uploads must be at least 1");
    }
}
