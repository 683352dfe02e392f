package io.vaultgate.https;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Whether the listener asks clients for a certificate (mutual TLS) and which CAs it trusts for them.
 * Client certificates are verified in the handshake (chain to an anchor, validity period, key usage);
 * a client that fails verification, or sends none where one is required, never gets an HTTP response.
 * A request without an {@code Authorization} header that arrives with a verified certificate logs in as
 * the account the certificate was added to ({@code Authenticator.byCertificate}); with REQUIRED the
 * certificate is also a gate in front of tokens and passwords.
 *
 * @param mode         NONE, OPTIONAL (verified when sent) or REQUIRED
 * @param trustAnchors the CA certificates client certificates must chain to; empty only with NONE
 */
public record ClientTls(Mode mode, List<X509Certificate> trustAnchors) {

    public static final ClientTls NONE = new ClientTls(Mode.NONE, List.of());

    /** How client certificates are asked for. */
    public enum Mode { NONE, OPTIONAL, REQUIRED }

    public ClientTls {
        Objects.requireNonNull(mode, "https.client-certificates.mode: missing; give none, optional or required");
        trustAnchors = List.copyOf(trustAnchors);
        if (mode != Mode.NONE && trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("https.client-certificates.trust: no CA certificate given for mode "
                    + mode + "; give the CA that issues client certificates, or set the mode to none");
        }
    }

    public static ClientTls required(List<X509Certificate> trustAnchors) {
        return new ClientTls(Mode.REQUIRED, trustAnchors);
    }

    public static ClientTls optional(List<X509Certificate> trustAnchors) {
        return new ClientTls(Mode.OPTIONAL, trustAnchors);
    }
}
