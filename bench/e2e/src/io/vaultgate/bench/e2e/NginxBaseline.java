package io.vaultgate.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The HTTPS baseline: Debian's {@code /usr/sbin/nginx} in the foreground with a generated configuration in a
 * temporary directory: TLS 1.2/1.3 with a fresh P-256 certificate, {@code PUT} through the WebDAV module
 * (the body goes to a temporary file, then is renamed into place; no fsync), {@code GET} as static files.
 */
final class NginxBaseline {
    private NginxBaseline() {
    }

    static Server start(Path work) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve("nginx"));
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.createDirectories(dir.resolve("tmp"));
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        Commands.run(dir, List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()));
        int port = Commands.freePort();
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        Path config = Files.writeString(dir.resolve("nginx.conf"), user
                + "worker_processes auto;\ndaemon off;\npid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("error.log") + ";\n"
                + "events { worker_connections 1024; }\n"
                + "http {\n access_log off;\n client_body_temp_path " + dir.resolve("tmp") + ";\n"
                + " sendfile on;\n keepalive_requests 100000;\n"
                + " server {\n  listen 127.0.0.1:" + port + " ssl;\n"
                + "  ssl_certificate " + cert + ";\n  ssl_certificate_key " + key + ";\n"
                + "  ssl_protocols TLSv1.2 TLSv1.3;\n  client_max_body_size 0;\n  root " + www + ";\n"
                + "  location / { dav_methods PUT DELETE; create_full_put_path on; }\n }\n}\n");
        Path log = dir.resolve("stdout.log");
        Process process = new ProcessBuilder("/usr/sbin/nginx", "-p", dir.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Commands.awaitPort(port, process, log);
        String base = "https://127.0.0.1:" + port + "/";
        return new Server("nginx", "-", process, Optional.empty(),
                Optional.of(new Endpoints.Https(base, base, cert, List.of())), Optional.empty());
    }
}
