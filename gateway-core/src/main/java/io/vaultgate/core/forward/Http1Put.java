package io.vaultgate.core.forward;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import javax.net.ssl.SSLException;

/**
 * One HTTP/1.1 {@code PUT} to a site on a kept-alive connection: the request written by
 * {@link RequestWriter} (the body streamed in 64 KiB writes straight into the TLS socket), then the answer
 * read by {@link AnswerReader}. This class owns the exchange around them: which connection carries it, its
 * deadline, an answer that arrives before the request was written, and whether the connection goes back to
 * the pool. Redirects are answers like any other (never followed).
 *
 * <p>Between the last byte of the body and the answer the caller may do other work ({@code whileAwaiting}:
 * the forwarder prepares its next file there), while the site stores this one.
 *
 * <p>The whole exchange has one deadline: the connection is closed when it passes. A connection taken
 * from the idle pool that fails before any byte of an answer arrived (the site closed it meanwhile) is
 * replaced by a new one and the request sent again: the protocol's idempotency key makes that safe.
 */
final class Http1Put {

    static final int CHUNK = RequestWriter.CHUNK;
    private static final Duration EARLY_ANSWER_WAIT = Duration.ofSeconds(2);

    private final ScheduledExecutorService timer;

    Http1Put(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /**
     * Sends {@code head} (the header fields after {@code Host}, without {@code Content-Length}) and
     * {@code body} to {@code target}, the request path, by {@code deadlineNanos} ({@link System#nanoTime()}).
     *
     * @throws SocketTimeoutException when the deadline passed
     * @throws SourceFailed when reading the body failed
     * @throws IOException when the connection failed before an answer arrived
     */
    SiteAnswer send(SiteConnections site, String target, Map<String, String> head, PreparedBody body,
                    long deadlineNanos) throws IOException {
        return send(site, target, head, body, deadlineNanos, () -> { });
    }

    /**
     * Like {@link #send(SiteConnections, String, Map, PreparedBody, long)}, running {@code whileAwaiting} once,
     * after the whole request was written and before its answer is read (not at all if the site answered
     * early). Its time counts against the deadline; it must not throw.
     */
    SiteAnswer send(SiteConnections site, String target, Map<String, String> head, PreparedBody body,
                    long deadlineNanos, Runnable whileAwaiting) throws IOException {
        byte[] request = RequestWriter.head(site.authority(), target, head, body.size());
        Runnable once = new Runnable() {
            private boolean ran;

            @Override
            public void run() {
                if (!ran) {
                    ran = true;
                    whileAwaiting.run();
                }
            }
        };
        SiteConnection reused = site.reuse();
        if (reused != null) {
            try {
                return exchange(site, reused, request, body, deadlineNanos, once);
            } catch (Unanswered stale) {
                // the site closed the idle connection; a new one below
            }
        }
        try {
            return exchange(site, site.open(), request, body, deadlineNanos, once);
        } catch (Unanswered failed) {
            throw (IOException) failed.getCause();
        }
    }

    private SiteAnswer exchange(SiteConnections site, SiteConnection connection, byte[] request, PreparedBody body,
                                long deadlineNanos, Runnable whileAwaiting) throws IOException {
        ScheduledFuture<?> deadline = connection.closeAt(timer, deadlineNanos);
        boolean reusable = false;
        try {
            OutputStream out = connection.out();
            try {
                RequestWriter.write(out, request, body);
                out.flush();
            } catch (SourceFailed e) {
                throw e;
            } catch (IOException writing) {
                if (connection.timedOut()) {
                    throw timeout();
                }
                return earlyAnswer(connection, writing);
            }
            whileAwaiting.run();
            AnswerReader.Reading answer;
            try {
                connection.readTimeout(Duration.ofNanos(Math.max(1_000_000, deadlineNanos - System.nanoTime())));
                answer = AnswerReader.read(connection.in(), true);
            } catch (IOException e) {
                throw connection.timedOut() ? timeout() : e;
            }
            reusable = answer.reusable();
            return answer.answer().from(connection);
        } finally {
            deadline.cancel(false);
            if (reusable && !connection.timedOut()) {
                site.giveBack(connection);
            } else {
                connection.closeQuietly();
            }
        }
    }

    /**
     * A site may answer (and close) before it has read the whole body, e.g. a refusal on the headers. A success
     * answered then is not one: the site cannot have stored a file it did not receive whole (a sloppy site may
     * even echo the request's digest), so it fails the attempt.
     */
    private static SiteAnswer earlyAnswer(SiteConnection connection, IOException writing) throws IOException {
        SiteAnswer answer;
        try {
            connection.readTimeout(EARLY_ANSWER_WAIT);
            answer = AnswerReader.read(connection.in(), false).answer().from(connection);
        } catch (SSLException alert) {
            throw new Unanswered(alert); // the site's TLS alert says more than the broken pipe
        } catch (IOException none) {
            throw new Unanswered(writing);
        }
        if (answer.status() / 100 == 2) {
            throw new IOException("the site answered " + answer.status() + " before it received the whole file ("
                    + writing.getMessage() + "); not a delivery");
        }
        return answer;
    }

    private static SocketTimeoutException timeout() {
        return new SocketTimeoutException("no complete answer by the request's deadline");
    }
}
