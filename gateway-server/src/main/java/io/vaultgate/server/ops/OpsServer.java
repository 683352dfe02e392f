package io.vaultgate.server.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The ops listener: a small HTTP server, separate from the client-facing front-ends and bound to loopback
 * by default. {@code /health/live} and {@code /health/ready} answer anyone (load balancers and
 * orchestrators probe them), with checks' names and states but not their reasons (readiness from a run of the
 * checks at most {@link HealthHandler#READY_CACHE} old, so anonymous requests cannot drive the catalog);
 * {@code /metrics} and {@code /status.json} need an administrator token and run the checks each time; the
 * status page's static files carry no data and are public. HTTPS (TLS 1.3 and 1.2, the gateway's AEAD suites only)
 * when the settings carry a TLS context, else plain HTTP: then keep it on loopback or a management network.
 */
public final class OpsServer implements AutoCloseable {

    private static final int THREADS = 16;

    /**
     * The JDK server reads each request on a pool thread: a client that sends half a request and then nothing
     * (slowloris) holds a thread, and a few of them took the health checks down for as long as they stayed
     * connected. {@link RequestDeadlines} closes a connection whose request head has not arrived within
     * {@link OpsSettings#requestTimeout()}; behind it, these JDK settings (seconds; read once per JVM, so an
     * operator's {@code -D} wins) close a connection whose request, body included, is not answered within
     * 10 s, or whose response is not read within 30 s.
     */
    private static final java.util.Map<String, String> SLOW_CLIENT_LIMITS = java.util.Map.of(
            "sun.net.httpserver.maxReqTime", "10",
            "sun.net.httpserver.maxRspTime", "30");

    private final HttpServer server;
    private final ExecutorService executor;
    private final ScheduledExecutorService deadlineTimer;

    private OpsServer(HttpServer server, ExecutorService executor, ScheduledExecutorService deadlineTimer) {
        this.server = server;
        this.executor = executor;
        this.deadlineTimer = deadlineTimer;
    }

    /** Binds and starts serving; fails with the {@link IOException} of the bind (e.g. address in use). */
    public static OpsServer start(OpsSettings settings, OpsServices services, Clock clock) throws IOException {
        return start(settings, services, clock, System::nanoTime);
    }

    /** @param nanoTime the monotonic clock of {@code /health/ready}'s answer cache ({@link HealthHandler}) */
    static OpsServer start(OpsSettings settings, OpsServices services, Clock clock, LongSupplier nanoTime)
            throws IOException {
        ObjectMapper json = new ObjectMapper()
                .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance));
        AdminTokenFilter admin = new AdminTokenFilter(services.authenticator(), settings.tokenCache(), clock);
        SLOW_CLIENT_LIMITS.forEach((key, seconds) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, seconds);
            }
        });
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(settings.bind()), settings.port());
        HttpServer server = settings.tls().isPresent() ? https(address, settings.tls().get())
                : HttpServer.create(address, 0);
        ScheduledExecutorService deadlineTimer = Executors.newSingleThreadScheduledExecutor(
                daemonThreads("vaultgate-ops-deadline-"));
        RequestDeadlines deadlines = new RequestDeadlines(settings.requestTimeout(), deadlineTimer);
        timed(server.createContext("/health/", new HealthHandler(services.checks(), json, HealthHandler.READY_CACHE,
                nanoTime)), deadlines);
        protect(timed(server.createContext("/metrics", new MetricsHandler(services.registry(),
                services.beforeScrape())), deadlines), admin);
        protect(timed(server.createContext("/status.json", new StatusHandler(services.status(), json)), deadlines),
                admin);
        StaticPage page = new StaticPage();
        timed(server.createContext("/status", page), deadlines);
        timed(server.createContext("/", root()), deadlines);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads("vaultgate-ops-"));
        server.setExecutor(deadlines.executor(executor));
        server.start();
        return new OpsServer(server, executor, deadlineTimer);
    }

    private static HttpServer https(InetSocketAddress address, SSLContext context) throws IOException {
        HttpsServer server = HttpsServer.create(address, 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters parameters) {
                SSLParameters ssl = context.getDefaultSSLParameters();
                ssl.setProtocols(OpsTls.PROTOCOLS);
                ssl.setCipherSuites(OpsTls.cipherSuites(context));
                parameters.setSSLParameters(ssl);
            }
        });
        return server;
    }

    /** The deadline's filter comes first: a request that reached it is read, whatever the next filters take. */
    private static HttpContext timed(HttpContext context, RequestDeadlines deadlines) {
        context.getFilters().add(deadlines.filter());
        return context;
    }

    private static void protect(HttpContext context, AdminTokenFilter filter) {
        context.getFilters().add(filter);
    }

    private static HttpHandler root() {
        return exchange -> {
            if (exchange.getRequestURI().getPath().equals("/")) {
                exchange.getResponseHeaders().set("Location", "/status");
                Exchanges.text(exchange, 302, "see /status\n");
            } else {
                Exchanges.text(exchange, 404, "not found\n");
            }
        };
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The bound port (the chosen one when configured with 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The bound address, for log lines and URLs. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        deadlineTimer.shutdownNow();
    }
}
