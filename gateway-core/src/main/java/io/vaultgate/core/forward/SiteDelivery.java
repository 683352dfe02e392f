package io.vaultgate.core.forward;

import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.forward.DeliveryOutcome.Failed;
import io.vaultgate.core.forward.DeliveryOutcome.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLException;

/**
 * One attempt to deliver one file: {@code PUT} of the decrypted content, streamed (the body is read from
 * the decrypting reader as the connection takes it, never buffered whole), then the check of the site's
 * answer. A request is {@linkplain #request prepared} first (head fields, body read ahead) and
 * {@linkplain #send sent} later, so the forwarder can prepare a file while the previous one's answer is
 * awaited. The request timeout grows with the file: {@code baseTimeout} plus one second per
 * {@code minBytesPerSecond}.
 */
final class SiteDelivery {

    private final Duration baseTimeout;
    private final long minBytesPerSecond;
    private final Executor readers;
    private final ChunkPool chunks;
    private final Http1Put put;

    /**
     * @param readers runs the read-ahead of each prepared body
     * @param chunks the read-ahead's buffers, reused across files
     */
    SiteDelivery(Duration baseTimeout, long minBytesPerSecond, ScheduledExecutorService timer, Executor readers,
                 ChunkPool chunks) {
        this.baseTimeout = baseTimeout;
        this.minBytesPerSecond = minBytesPerSecond;
        this.readers = readers;
        this.chunks = chunks;
        this.put = new Http1Put(timer);
    }

    /** A request ready to send: its head fields, the digest the site must answer, and its body being read ahead. */
    record Request(Map<String, String> head, String expected, PreparedBody body) implements AutoCloseable {
        /** Stops the body's read-ahead if it was never sent; the file itself is closed by its owner. */
        @Override
        public void close() {
            body.close();
        }
    }

    /** The decrypted plaintext of {@code file}, uploaded by {@code account}, its first chunks read ahead from now on. */
    Request request(SiteForwarding site, FileRecord file, String account, FileContent content) {
        Map<String, String> head = head(site, file, account, content.sha256());
        head.put("Content-Type", "application/octet-stream");
        return new Request(head, content.sha256(), PreparedBody.prepare(BodySource.of(content), readers, chunks));
    }

    /**
     * The stored envelope as it is, with the data key sealed to the site; {@code Repr-Digest} is still the
     * plaintext's, which the site computes after opening the envelope.
     */
    Request sealedRequest(SiteForwarding site, FileRecord file, String account, SealedPayload payload) {
        String expected = file.sha256().orElseThrow();
        Map<String, String> head = head(site, file, account, expected);
        head.put("Content-Type", ForwardProtocol.ENVELOPE_TYPE);
        head.put(ForwardProtocol.SEALED_KEY, ":" + payload.sealedKey().toBase64() + ":");
        return new Request(head, expected, PreparedBody.prepare(payload, readers, chunks));
    }

    /**
     * The fields of every forward, plain or sealed. {@code Vaultgate-Site} names the site the file is for, so that a
     * receiver of another site (the gateway's settings for this site naming that site's endpoint and certificate)
     * refuses it ({@code 421}) instead of taking another site's file; servers that do not know it ignore it.
     */
    private static Map<String, String> head(SiteForwarding site, FileRecord file, String account, String sha256) {
        Map<String, String> head = new LinkedHashMap<>();
        head.put(ForwardProtocol.IDEMPOTENCY_KEY, file.id());
        head.put(ForwardProtocol.REPR_DIGEST, ForwardProtocol.reprDigest(sha256));
        head.put(ForwardProtocol.TENANT, file.tenant().value());
        head.put(ForwardProtocol.ACCOUNT, account);
        head.put(ForwardProtocol.PATH, ForwardProtocol.encodePath(file.path().toString()));
        head.put(ForwardProtocol.SITE, site.siteId());
        return head;
    }

    /**
     * Sends a prepared request and judges the answer; {@code whileAwaiting} runs once between the end of the
     * request and the answer (see {@link Http1Put#send(SiteConnections, String, Map, PreparedBody, long,
     * Runnable)}).
     */
    DeliveryOutcome send(SiteConnections connections, SiteForwarding site, FileRecord file, Request request,
                         Runnable whileAwaiting) {
        PreparedBody body = request.body();
        long deadline = System.nanoTime() + baseTimeout.plusSeconds(body.size() / minBytesPerSecond).toNanos();
        SiteAnswer answer;
        try {
            answer = put.send(connections, site.fileUri(file.id()).getRawPath(), request.head(), body, deadline,
                    whileAwaiting);
        } catch (SourceFailed e) {
            return new Failed(Kind.FILE, "reading file " + file.id() + " failed: " + e.getMessage(), false);
        } catch (SSLException e) {
            return new Failed(Kind.TLS, "TLS handshake with " + connections.host() + " failed: "
                    + reasons(e), false);
        } catch (SocketTimeoutException e) {
            return new Failed(Kind.NETWORK, "timed out: " + e.getMessage(), false);
        } catch (ConnectException e) {
            return new Failed(Kind.NETWORK, "cannot connect to " + connections.host() + ":" + connections.port()
                    + ": " + e, false);
        } catch (IOException e) {
            return new Failed(tlsCause(e) ? Kind.TLS : Kind.NETWORK, "transfer failed: " + describe(e), false);
        }
        return AnswerCheck.judge(site.digestRequired(), request.expected(), answer);
    }

    private static boolean tlsCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The messages of {@code e} and its causes, each once: BoringSSL's exception says only that the handshake
     * failed, its cause why (e.g. {@code Certificate has been revoked}).
     */
    private static String reasons(Throwable e) {
        java.util.LinkedHashSet<String> messages = new java.util.LinkedHashSet<>();
        for (Throwable cause = e; cause != null && messages.size() < 8; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && messages.stream().noneMatch(known -> known.contains(message))) {
                messages.add(message);
            }
        }
        return String.join("; ", messages);
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e));
        String previous = String.valueOf(e);
        for (Throwable cause = e.getCause(); cause != null && cause != e; cause = cause.getCause()) {
            if (!String.valueOf(cause).equals(previous)) {
                text.append("; ").append(cause);
            }
            previous = String.valueOf(cause);
        }
        return text.toString();
    }
}
