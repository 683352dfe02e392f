package io.vaultgate.https.receiver;

import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx as a plain mutual-TLS WebDAV site on a free loopback port: {@code PUT /dav/...} stored under
 * {@code www/}, client certificates of {@code clientCa} only. Stopped by its PID.
 */
final class NginxSite implements AutoCloseable {

    static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final int port;
    final Path www;

    private NginxSite(Process process, int port, Path www) {
        this.process = process;
        this.port = port;
        this.www = www;
    }

    static NginxSite start(Path root, IssuedCertificate server, X509Certificate clientCa) throws Exception {
        Path www = Files.createDirectories(root.resolve("www"));
        Files.createDirectories(root.resolve("tmp"));
        server.write(root.resolve("server.key"), root.resolve("server.pem"));
        Pem.writeCertificates(root.resolve("clients.pem"), List.of(clientCa));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        Files.writeString(root.resolve("nginx.conf"), user + "worker_processes 1;\ndaemon off;\n"
                + "pid " + root.resolve("nginx.pid") + ";\nerror_log " + root.resolve("error.log") + ";\n"
                + "events {}\nhttp {\n access_log off;\n client_body_temp_path " + root.resolve("tmp") + ";\n"
                + " server {\n  listen 127.0.0.1:" + port + " ssl;\n"
                + "  ssl_certificate " + root.resolve("server.pem") + ";\n  ssl_certificate_key "
                + root.resolve("server.key") + ";\n  ssl_protocols TLSv1.2 TLSv1.3;\n"
                + "  ssl_client_certificate " + root.resolve("clients.pem") + ";\n  ssl_verify_client on;\n"
                + "  client_max_body_size 0;\n  root " + www + ";\n"
                + "  location /dav/ { dav_methods PUT; create_full_put_path on; }\n }\n}\n");
        Process process = new ProcessBuilder(NGINX.toString(), "-p", root.toString(), "-c",
                root.resolve("nginx.conf").toString()).redirectErrorStream(true)
                .redirectOutput(root.resolve("stdout.log").toFile()).start();
        NginxSite site = new NginxSite(process, port, www);
        for (int i = 0; i < 100; i++) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return site;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        site.close();
        throw new IllegalStateException("nginx did not start: " + Files.readString(root.resolve("stdout.log")));
    }

    /** The site endpoint: files go to {@code /dav/files/{id}}. */
    URI endpoint() {
        return URI.create("https://127.0.0.1:" + port + "/dav");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
