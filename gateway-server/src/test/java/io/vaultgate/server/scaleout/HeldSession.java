package io.vaultgate.server.scaleout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A logged-in OpenSSH sftp session kept open (its stdin never closed), to watch whether something on the
 * gateway ends it: a lockdown, a revocation. The end is seen in ssh's own words ("Connection to ... closed by
 * remote host"), which it prints the moment the gateway closes the connection: the {@code sftp} process
 * itself, blocked reading its next batch command, exits only seconds later. Closed by its PID.
 */
final class HeldSession implements AutoCloseable {

    private final Process process;
    private final CountDownLatch loggedIn = new CountDownLatch(1);
    private final CountDownLatch closedByGateway = new CountDownLatch(1);
    private final OutputStream stdin;

    private HeldSession(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("Remote working directory")) {
                        loggedIn.countDown();
                    }
                    if (line.contains("closed by remote host")) {
                        closedByGateway.countDown();
                    }
                }
            } catch (IOException ended) {
                // the session is gone
            }
            closedByGateway.countDown();
        }, "held-sftp-session");
        reader.setDaemon(true);
        reader.start();
    }

    /** Logs in and runs {@code pwd}; returns once the answer arrived (the session is established). */
    static HeldSession open(Sftp sftp, int port) throws IOException, InterruptedException {
        HeldSession session = new HeldSession(sftp.start(port));
        session.stdin.write("pwd\n".getBytes(StandardCharsets.US_ASCII));
        session.stdin.flush();
        if (!session.loggedIn.await(60, TimeUnit.SECONDS)) {
            session.close();
            throw new IllegalStateException("the sftp session did not log in within 60 s");
        }
        return session;
    }

    /** Whether the gateway closed the session's connection within {@code timeout}. */
    boolean endsWithin(Duration timeout) throws InterruptedException {
        return closedByGateway.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
