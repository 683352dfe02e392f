package io.vaultgate.core.forward;

import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.forward.DeliveryOutcome.Delivered;
import io.vaultgate.core.forward.DeliveryOutcome.Failed;
import io.vaultgate.core.forward.DeliveryOutcome.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * One attempt to deliver one file: {@code PUT} of the decrypted content, streamed (the body is read from
 * the decrypting reader as the connection takes it, never buffered whole), then the check of the site's
 * answer. The request timeout grows with the file: {@code baseTimeout} plus one second per
 * {@code minBytesPerSecond}.
 */
final class SiteDelivery {

    private static final int ERROR_BODY_LIMIT = 200;

    private final Duration baseTimeout;
    private final long minBytesPerSecond;

    SiteDelivery(Duration baseTimeout, long minBytesPerSecond) {
        this.baseTimeout = baseTimeout;
        this.minBytesPerSecond = minBytesPerSecond;
    }

    /** Sends the decrypted plaintext. */
    DeliveryOutcome send(HttpClient client, SiteForwarding site, FileRecord file, FileContent content) {
        HttpRequest.Builder request = request(site, file, content.sha256(), content.size())
                .header("Content-Type", "application/octet-stream")
                .PUT(body(content.size(), new ContentPublisher(content)));
        return send(client, site, content.sha256(), request.build());
    }

    /**
     * Sends the stored envelope as it is, with the data key sealed to the site; {@code Repr-Digest} is still
     * the plaintext's, which the site computes after opening the envelope.
     */
    DeliveryOutcome sendSealed(HttpClient client, SiteForwarding site, FileRecord file, SealedPayload payload) {
        String expected = file.sha256().orElseThrow();
        HttpRequest.Builder request = request(site, file, expected, payload.size())
                .header("Content-Type", ForwardProtocol.ENVELOPE_TYPE)
                .header(ForwardProtocol.SEALED_KEY, ":" + payload.sealedKey().toBase64() + ":")
                .header(ForwardProtocol.SITE, site.siteId())
                .PUT(body(payload.size(), new ContentPublisher(payload)));
        return send(client, site, expected, request.build());
    }

    private HttpRequest.Builder request(SiteForwarding site, FileRecord file, String sha256, long bodySize) {
        return HttpRequest.newBuilder(site.fileUri(file.id()))
                .timeout(baseTimeout.plusSeconds(bodySize / minBytesPerSecond))
                .header(ForwardProtocol.IDEMPOTENCY_KEY, file.id())
                .header(ForwardProtocol.REPR_DIGEST, ForwardProtocol.reprDigest(sha256))
                .header(ForwardProtocol.TENANT, file.tenant().value())
                .header(ForwardProtocol.PATH, ForwardProtocol.encodePath(file.path().toString()));
    }

    private DeliveryOutcome send(HttpClient client, SiteForwarding site, String expected, HttpRequest request) {
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, BodyHandlers.ofInputStream());
        } catch (SSLException e) {
            return new Failed(Kind.TLS, "TLS handshake with " + site.endpoint().getHost() + " failed: "
                    + e.getMessage(), false);
        } catch (HttpTimeoutException e) {
            return new Failed(Kind.NETWORK, "timed out: " + e.getMessage(), false);
        } catch (ConnectException e) {
            return new Failed(Kind.NETWORK, "cannot connect to " + site.endpoint().getHost() + ":"
                    + site.endpoint().getPort() + ": " + e, false);
        } catch (IOException e) {
            return new Failed(tlsCause(e) ? Kind.TLS : Kind.NETWORK, "transfer failed: " + describe(e), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failed(Kind.NETWORK, "interrupted (shutting down)", false);
        }
        return judge(site, expected, response);
    }

    private static DeliveryOutcome judge(SiteForwarding site, String expected, HttpResponse<InputStream> response) {
        String excerpt = excerpt(response.body());
        if (response.statusCode() / 100 != 2) {
            return new Failed(Kind.STATUS, "the site answered " + response.statusCode()
                    + (excerpt.isEmpty() ? "" : ": " + excerpt), false);
        }
        Optional<String> field = response.headers().firstValue(ForwardProtocol.REPR_DIGEST);
        if (field.isEmpty()) {
            return site.digestRequired()
                    ? new Failed(Kind.DIGEST, "the site answered " + response.statusCode() + " without Repr-Digest",
                            false)
                    : new Delivered(Optional.empty());
        }
        Optional<String> answered = ForwardProtocol.sha256Hex(field.get());
        if (answered.isEmpty() || !answered.get().equalsIgnoreCase(expected)) {
            return new Failed(Kind.DIGEST, "the site's digest " + field.get() + " differs from the file's "
                    + ForwardProtocol.reprDigest(expected), false);
        }
        return new Delivered(answered);
    }

    private static BodyPublisher body(long size, ContentPublisher content) {
        return size == 0 ? BodyPublishers.noBody() : BodyPublishers.fromPublisher(content, size);
    }

    /** A short, single-line start of an error body, for the job's last error; the rest is discarded. */
    private static String excerpt(InputStream body) {
        try (body) {
            byte[] start = body.readNBytes(ERROR_BODY_LIMIT);
            return new String(start, StandardCharsets.UTF_8).replaceAll("[^\\x20-\\x7e]+", " ").trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean tlsCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return true;
            }
        }
        return false;
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
