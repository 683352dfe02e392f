package io.vaultgate.https.receiver;

import io.vaultgate.core.forward.ForwardProtocol;
import io.vaultgate.core.pki.IssuedCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A hand-made forwarding request, for what the forwarder never sends: wrong digests, odd paths, repeats. */
final class RawPut {

    private final HttpClient client;
    private final URI endpoint;

    RawPut(URI endpoint, IssuedCertificate clientCertificate, X509Certificate trust) throws Exception {
        this(endpoint, context(clientCertificate, trust));
    }

    /** A client of its own over {@code context}, whose TLS sessions it shares (resumes) with other clients. */
    RawPut(URI endpoint, SSLContext context) {
        this.client = HttpClient.newBuilder().sslContext(context).version(HttpClient.Version.HTTP_1_1).build();
        this.endpoint = endpoint;
    }

    /** Mutual TLS as the gateway: this client certificate, only {@code trust} as the anchor. */
    static SSLContext context(IssuedCertificate clientCertificate, X509Certificate trust) throws Exception {
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("c", clientCertificate.privateKey(), new char[0],
                clientCertificate.chain().toArray(Certificate[]::new));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, new char[0]);
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", trust);
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance("PKIX");
        trustManagers.init(anchors);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    HttpClient client() {
        return client;
    }

    HttpResponse<String> put(String key, String path, byte[] body) throws Exception {
        return put(key, path, body, sha256(body));
    }

    HttpResponse<String> put(String key, String path, byte[] body, String digestHex) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/files/" + key))
                .header(ForwardProtocol.IDEMPOTENCY_KEY, key)
                .header(ForwardProtocol.REPR_DIGEST, ForwardProtocol.reprDigest(digestHex))
                .header(ForwardProtocol.TENANT, "acme")
                .header(ForwardProtocol.ACCOUNT, "acme-upload")
                .header(ForwardProtocol.PATH, ForwardProtocol.encodePath(path))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static String sha256(byte[] body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    }
}
