package io.vaultgate.core.forward;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
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
 * <p>A site may answer before it has read the whole body (RFC 9110 15, RFC 9112 9.3): a refusal on the head,
 * or a sloppy site's success. Such an answer is looked for before every write of the body but the first
 * ({@link SiteConnection#answerWaiting}) and, when a write fails, after it. A final answer found then ends
 * the sending, and a {@code 2xx} among them is not a delivery: the site cannot have verified a file it had
 * not received whole, even if it echoes the request's digest. Looking only after a failed write was not
 * enough: a site that answers early and then reads the rest of the body and drops it (as many servers do
 * before they close, and the JDK's {@code SSLSocket.close()} does) lets every write succeed, and its
 * {@code 2xx}, read after the last byte, looked like an answer to the whole file. An interim {@code 1xx}
 * found while sending is read and the sending goes on.
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
                RequestWriter.write(out, request, body, () -> watchForAnswer(connection));
                out.flush();
            } catch (SourceFailed e) {
                throw e;
            } catch (AnsweredWhileSending answered) {
                return early(answered.answer.from(connection), "its answer arrived while the body was being sent");
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
     * Between two writes of the body: when the site has begun to answer, reads its answer; an interim
     * {@code 1xx} lets the sending go on, a final answer ends it ({@link AnsweredWhileSending}).
     */
    private static void watchForAnswer(SiteConnection connection) throws IOException {
        while (connection.answerWaiting()) {
            connection.readTimeout(EARLY_ANSWER_WAIT);
            Optional<AnswerReader.Reading> answer = AnswerReader.readOne(connection.in(), false);
            if (answer.isPresent()) {
                throw new AnsweredWhileSending(answer.get().answer());
            }
        }
    }

    /** A final answer that arrived before the last write of the body; ends the sending. */
    private static final class AnsweredWhileSending extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient SiteAnswer answer;

        AnsweredWhileSending(SiteAnswer answer) {
            super("the site answered " + answer.status() + " while the body was being sent");
            this.answer = answer;
        }
    }

    /** The answer of a site whose connection failed while the body was being written: read within a short wait. */
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
        return early(answer, writing.getMessage());
    }

    /**
     * An answer that came before the whole body was sent ({@code how}): a refusal is returned as it is, a
     * success fails the attempt, since the site cannot have the whole file.
     */
    private static SiteAnswer early(SiteAnswer answer, String how) throws IOException {
        if (answer.status() / 100 == 2) {
            throw new IOException("the site answered " + answer.status() + " before it received the whole file ("
                    + how + "); not a delivery");
        }
        return answer;
    }

    private static SocketTimeoutException timeout() {
        return new SocketTimeoutException("no complete answer by the request's deadline");
    }
}
