package io.vaultgate.core.testing;

import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx as a plain mutual-TLS WebDAV site, the "any HTTPS server that accepts PUT" of the
 * forwarding protocol: on a free loopback port, {@code ssl_verify_client on} with only {@code clientCas}
 * trusted, {@code PUT /dav/...} stored under {@code www/} ({@code create_full_put_path on}), no body size
 * limit. Started in the foreground and stopped by its process handle; everything lives under {@code root}.
 */
public final class NginxDavSite implements AutoCloseable {

    public static final Path NGINX = Path.of("/usr/sbin/nginx");

    private final Process process;
    private final int port;
    private final Path root;
    private final Path www;

    private NginxDavSite(Process process, int port, Path root, Path www) {
        this.process = process;
        this.port = port;
        this.root = root;
        this.www = www;
    }

    /** Whether nginx is installed here (tests assume it, CI installs it). */
    public static boolean installed() {
        return Files.isExecutable(NGINX);
    }

    /** Starts nginx with {@code server} as its certificate, accepting client certificates of {@code clientCas}. */
    public static NginxDavSite start(Path root, IssuedCertificate server, List<X509Certificate> clientCas)
            throws IOException, InterruptedException {
        Path www = Files.createDirectories(root.resolve("www"));
        Files.createDirectories(root.resolve("tmp"));
        server.write(root.resolve("server.key"), root.resolve("server.pem"));
        Pem.writeCertificates(root.resolve("clients.pem"), clientCas);
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
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
        NginxDavSite site = new NginxDavSite(process, port, root, www);
        for (int i = 0; i < 200; i++) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return site;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(50);
            }
        }
        site.close();
        throw new IllegalStateException("nginx did not start: " + Files.readString(root.resolve("stdout.log"))
                + (Files.exists(root.resolve("error.log")) ? Files.readString(root.resolve("error.log")) : ""));
    }

    /** The site endpoint to configure: a forwarded file goes to {@code /dav/files/{fileId}}. */
    public URI endpoint() {
        return URI.create("https://127.0.0.1:" + port + "/dav");
    }

    /** Where nginx stores the file forwarded with this id (it may not exist). */
    public Path stored(String fileId) {
        return filesDirectory().resolve(fileId);
    }

    /** The directory forwarded files land in. */
    public Path filesDirectory() {
        return www.resolve("dav").resolve("files");
    }

    /** nginx's error log, for assertion messages. */
    public String errorLog() throws IOException {
        Path log = root.resolve("error.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
