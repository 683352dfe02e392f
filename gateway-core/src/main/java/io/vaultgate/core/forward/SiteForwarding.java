package io.vaultgate.core.forward;

import io.vaultgate.crypto.seal.SitePublicKey;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How the gateway reaches one site: its endpoint, the CA certificates its server certificate must chain
 * to (pinned: the JDK's default trust store is never consulted), and the gateway's client certificate for
 * it. The private key stays in a file ({@code clientKeyFile}, PKCS#8 PEM, mode 0600); the catalog holds
 * only its path, so a catalog dump or backup never holds a key.
 *
 * @param endpoint {@code https://host[:port][/base]}; files go to {@code PUT {endpoint}/files/{fileId}}
 * @param recipientKey base64 X25519 public key of the site for sealed forwarding; present: files are sent as
 *     their stored envelope with the data key sealed to it. It is the site's own column
 *     ({@code sites.recipient_key}), set with the audited
 *     {@link io.vaultgate.core.admin.SiteAdministration#setRecipientKey}; saving a forwarding configuration never
 *     changes it
 * @param maxConcurrency forwards in flight to this site at once, per gateway node
 * @param digestRequired the site must answer {@code Repr-Digest}; false for a plain WebDAV server
 * @param revocationLists CRLs of the site's CAs; when given, revocation is checked and fails closed (a
 *     certificate whose issuer has no current CRL here is refused)
 */
public record SiteForwarding(String siteId, URI endpoint, List<X509Certificate> trustAnchors,
                             List<X509Certificate> clientChain, Path clientKeyFile, Optional<String> recipientKey,
                             int maxConcurrency, boolean digestRequired, List<X509CRL> revocationLists) {

    public static final int MAX_CONCURRENCY = 64;

    /** Without revocation lists. */
    public SiteForwarding(String siteId, URI endpoint, List<X509Certificate> trustAnchors,
                          List<X509Certificate> clientChain, Path clientKeyFile, Optional<String> recipientKey,
                          int maxConcurrency, boolean digestRequired) {
        this(siteId, endpoint, trustAnchors, clientChain, clientKeyFile, recipientKey, maxConcurrency, digestRequired,
                List.of());
    }

    public SiteForwarding {
        Objects.requireNonNull(siteId, "siteId");
        Objects.requireNonNull(recipientKey, "recipientKey");
        recipientKey.ifPresent(key -> {
            try {
                SitePublicKey.fromBase64(key);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("site " + siteId + ": the sealed recipient key is not base64 of "
                        + "an X25519 public key (32 bytes)");
            }
        });
        endpoint = checkEndpoint(endpoint);
        trustAnchors = List.copyOf(trustAnchors);
        clientChain = List.copyOf(clientChain);
        revocationLists = List.copyOf(revocationLists);
        if (trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("site " + siteId + ": no trust anchors; give the PEM CA certificate "
                    + "that signs the site's server certificate");
        }
        if (clientChain.isEmpty()) {
            throw new IllegalArgumentException("site " + siteId + ": no client certificate; give the gateway's "
                    + "client certificate chain for this site");
        }
        if (!clientKeyFile.isAbsolute()) {
            throw new IllegalArgumentException("site " + siteId + ": client key file " + clientKeyFile
                    + " is relative; give an absolute path");
        }
        if (maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("site " + siteId + ": max concurrency must be 1.." + MAX_CONCURRENCY
                    + ", got " + maxConcurrency);
        }
    }

    /** The site's X25519 key when it receives sealed envelopes. */
    public Optional<SitePublicKey> recipient() {
        return recipientKey.map(SitePublicKey::fromBase64);
    }

    /** The URL a file is PUT to. */
    public URI fileUri(String fileId) {
        String base = endpoint.toString();
        return URI.create((base.endsWith("/") ? base : base + "/") + "files/" + fileId);
    }

    /** {@code endpoint} if it is an https:// URI; else an {@link IllegalArgumentException} naming the rule. */
    public static URI checkEndpoint(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (!"https".equals(endpoint.getScheme() == null ? null : endpoint.getScheme().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("endpoint " + endpoint + ": only https:// endpoints are allowed");
        }
        if (endpoint.getHost() == null || endpoint.getRawUserInfo() != null || endpoint.getRawQuery() != null
                || endpoint.getRawFragment() != null) {
            throw new IllegalArgumentException("endpoint " + endpoint + ": give https://host[:port][/path] without "
                    + "user info, query or fragment");
        }
        return endpoint;
    }
}
