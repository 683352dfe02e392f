package io.vaultgate.https.receiver;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vaultgate.core.forward.ForwardProtocol;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.seal.SealContext;
import io.vaultgate.crypto.seal.SealedDataKey;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The checked headers of one forwarded file: {@code PUT .../files/{key}} with a matching
 * {@code Idempotency-Key}, a SHA-256 {@code Repr-Digest}, a tenant, the account that uploaded it and a safe
 * path; for a sealed forward also the sealed data key. A request whose {@code Vaultgate-Site} names another site
 * than the receiver's own is misdirected ({@code 421}, which the gateway does not retry); a sealed forward must name
 * the site, and its key is opened as bound to the receiver's own site id, never to what the request says.
 */
record IncomingFile(String key, String tenant, String account, String path, Path target, String sha256,
                    Optional<Sealed> sealed) {

    /** The sealed data key of a sealed forward, and the site id it is bound to: the receiver's own. */
    record Sealed(SealedDataKey key, String site) {
        SealContext context(IncomingFile file) {
            return new SealContext(file.tenant(), file.key(), site);
        }
    }

    /** @param site the id of the site this receiver serves ({@link ReceiverSettings#site()}) */
    static IncomingFile of(HttpRequest request, Path drop, String site) throws ReceiverProblem {
        if (!HttpMethod.PUT.equals(request.method())) {
            throw new ReceiverProblem(HttpResponseStatus.METHOD_NOT_ALLOWED, "only PUT .../files/{id} is accepted");
        }
        String uriPath = new QueryStringDecoder(request.uri()).rawPath();
        int at = uriPath.lastIndexOf("/files/");
        String key = at < 0 ? "" : uriPath.substring(at + "/files/".length());
        if (!ForwardProtocol.KEY.matcher(key).matches()) {
            throw new ReceiverProblem(HttpResponseStatus.NOT_FOUND, "only PUT .../files/{id} is accepted");
        }
        HttpHeaders headers = request.headers();
        checkSite(headers.get(ForwardProtocol.SITE), site);
        if (!key.equals(headers.get(ForwardProtocol.IDEMPOTENCY_KEY))) {
            throw bad(ForwardProtocol.IDEMPOTENCY_KEY + " must be present and equal the file id of the URL");
        }
        String sha256 = ForwardProtocol.sha256Hex(headers.get(ForwardProtocol.REPR_DIGEST)).orElseThrow(() ->
                bad(ForwardProtocol.REPR_DIGEST + " must carry sha-256=:<base64 of 32 bytes>:"));
        String tenant = required(headers, ForwardProtocol.TENANT);
        String account = required(headers, ForwardProtocol.ACCOUNT);
        String path;
        try {
            path = ForwardProtocol.decodePath(required(headers, ForwardProtocol.PATH));
        } catch (IllegalArgumentException e) {
            throw bad(ForwardProtocol.PATH + ": " + e.getMessage());
        }
        return new IncomingFile(key, tenant, account, path, DropPaths.resolve(drop, tenant, account, path), sha256,
                sealed(headers, site));
    }

    /**
     * Refuses a request sent for another site (its client certificate is this site's, {@link ForwarderName}: the
     * gateway's settings for the other site name this site's endpoint and certificate). Final ({@code 421}): no
     * repetition of the request can change it.
     */
    private static void checkSite(String named, String site) throws ReceiverProblem {
        if (named == null || named.equals(site)) {
            return;
        }
        String other = ForwardProtocol.KEY.matcher(named).matches() ? "site " + named : "another site";
        throw new ReceiverProblem(HttpResponseStatus.MISDIRECTED_REQUEST, "this receiver serves site " + site
                + ", not " + other + " (" + ForwardProtocol.SITE + "): the gateway's forwarding settings for "
                + other + " (endpoint, client certificate) lead to this site");
    }

    private static Optional<Sealed> sealed(HttpHeaders headers, String site) throws ReceiverProblem {
        String field = headers.get(ForwardProtocol.SEALED_KEY);
        if (field == null) {
            return Optional.empty();
        }
        required(headers, ForwardProtocol.SITE); // a sealed forward names the site it was sealed for
        String value = field.strip();
        try {
            if (value.length() < 2 || !value.startsWith(":") || !value.endsWith(":")) {
                throw new CryptoException.AuthenticationFailed();
            }
            return Optional.of(new Sealed(SealedDataKey.fromBase64(value.substring(1, value.length() - 1)), site));
        } catch (CryptoException.UnsupportedFormat e) {
            throw bad(ForwardProtocol.SEALED_KEY + ": " + e.getMessage());
        } catch (CryptoException | IllegalArgumentException e) {
            throw bad(ForwardProtocol.SEALED_KEY + " must be :<base64 of the " + SealedDataKey.SIZE
                    + "-byte sealed data key>:");
        }
    }

    private static String required(HttpHeaders headers, String name) throws ReceiverProblem {
        String value = headers.get(name);
        if (value == null || value.isEmpty()) {
            throw bad(name + " is missing");
        }
        return value;
    }

    private static ReceiverProblem bad(String message) {
        return new ReceiverProblem(HttpResponseStatus.BAD_REQUEST, message);
    }
}
