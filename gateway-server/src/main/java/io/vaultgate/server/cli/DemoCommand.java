package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.admin.Administration;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.DemoSetup;
import io.vaultgate.server.LoggingSetup;
import io.vaultgate.server.VaultgateApplication;
import io.vaultgate.server.config.LoopbackHost;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vaultgate demo}: the gateway with a ready demo tenant, and commands that work against it now. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Start the gateway with a demo tenant (`demo`), a client account (`demo-client`) with a "
                + "generated SSH key and API token, and a demo BPO site; print sftp and curl commands that work "
                + "against it right now. Stop with Ctrl-C.",
                "The demo listens on loopback (127.0.0.1) only, since its credentials are printed and kept in the data "
                        + "directory; to reach it from other machines set sftp.bind and https.bind (--set, the "
                        + "environment or the configuration file)."})
public final class DemoCommand implements Callable<Integer> {

    private static final String LOOPBACK = "127.0.0.1";
    static final String SAMPLE = "sample.txt";
    private static final String SAMPLE_HTTPS = "sample-https.txt";
    static final String SAMPLE_TEXT = "Hello from the Vaultgate demo: uploaded, encrypted at rest, forwarded to the "
            + "demo site.\n";

    /**
     * The demo's own defaults, below the file, the environment and {@code --set}: every listener on loopback, so the
     * demo's printed and stored credentials are no way in for anyone else on the network.
     */
    static final Map<String, String> DEFAULTS = Map.of("sftp.bind", LOOPBACK, "https.bind", LOOPBACK,
            "ops.bind", LOOPBACK);

    private final Map<String, String> env;

    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    public DemoCommand(Map<String, String> env) {
        this.env = env;
    }

    /** The configuration the demo runs with: {@link #DEFAULTS} in place of the built-in defaults. */
    VaultgateConfig config() {
        return global.load(env, DEFAULTS);
    }

    @Override
    public Integer call() throws InterruptedException, IOException {
        VaultgateConfig config = config();
        LoggingSetup.apply(config.logging());
        VaultgateApplication app = VaultgateApplication.start(config, env);
        DataDirectory home = app.dataDirectory();
        DemoSetup demo = new DemoSetup();
        DemoSetup.Credentials credentials = prepare(demo, app.core(), home);
        if (app.sftpPort().isPresent()) {
            demo.writeKnownHosts(credentials, home, app.sftpPort().get());
        }
        Path sample = writeSample(home);
        DemoSite demoSite;
        try {
            demoSite = DemoSite.start(app.core(), home);
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        try (DemoSite site = demoSite) {
            Optional<String> locked = lockedNotice(app.core().administration());
            RunCommand.serveUntilSignal(app, () -> printInstructions(spec.commandLine().getOut(), app, credentials,
                    sample, site, locked));
        }
        return 0;
    }

    /**
     * The demo tenant, its client account and credentials and the demo site, created if missing, audited as the
     * operating-system user who started the demo ({@link Actor}), like every other change made with the CLI.
     */
    static DemoSetup.Credentials prepare(DemoSetup demo, GatewayCore core, DataDirectory home) {
        return demo.ensure(Actor.administration(core), Actor.sites(core), home);
    }

    /**
     * A small file for the printed upload commands to send, {@code <home>/demo/sample.txt}: they name it by its full
     * path, so they work from any directory (they uploaded ./README.md, there only in the checkout).
     */
    static Path writeSample(DataDirectory home) throws IOException {
        Path sample = home.home().resolve("demo").resolve(SAMPLE).toAbsolutePath().normalize();
        Files.writeString(sample, SAMPLE_TEXT, StandardCharsets.UTF_8);
        return sample;
    }

    private static void printInstructions(PrintWriter out, VaultgateApplication app, DemoSetup.Credentials demo,
                                          Path sample, DemoSite site, Optional<String> locked) {
        Path siteDrop = site.drop();
        out.println(RunCommand.readyLine(app));
        listeners(app.dataDirectory().config(), app.sftpPort(), app.httpsPort(), app.opsPort(), site.address())
                .forEach(out::println);
        out.println();
        out.println("Demo tenant '" + DemoSetup.TENANT + "', client account '" + DemoSetup.ACCOUNT
                + "'. Try these from another terminal, in any directory:");
        locked.ifPresent(out::println);
        app.sftpPort().ifPresent(port -> {
            String sftp = "sftp -i " + arg(demo.privateKey()) + " -o UserKnownHostsFile=" + arg(demo.knownHosts())
                    + " -P " + port + " " + DemoSetup.ACCOUNT + "@127.0.0.1";
            out.println();
            out.println("  # SFTP: upload the sample file into the inbox, then list it");
            out.println("  echo " + arg("put \"" + sample + "\" /inbox/" + SAMPLE) + " | "
                    + sftp.replace("sftp -i", "sftp -b - -i"));
            out.println("  echo 'ls -l /inbox' | " + sftp.replace("sftp -i", "sftp -b - -i"));
            out.println("  # or interactively:");
            out.println("  " + sftp);
        });
        app.httpsPort().ifPresent(port -> {
            String curl = "curl -sS --fail-with-body --cacert " + arg(demo.caCertificate())
                    + " -H \"Authorization: Bearer $(cat " + arg(demo.apiToken()) + ")\"";
            String base = "https://127.0.0.1:" + port + "/v1/files";
            out.println();
            out.println("  # HTTPS: upload, list, download");
            out.println("  " + curl + " -T " + arg(sample) + " " + base + "/inbox/" + SAMPLE_HTTPS);
            out.println("  " + curl + " " + base + "/inbox/");
            out.println("  " + curl + " " + base + "/inbox/" + SAMPLE_HTTPS);
        });
        app.opsPort().ifPresent(port -> {
            String ops = StatusCommand.opsUrl(app.dataDirectory().config().ops(), port).toString();
            out.println();
            out.println("  # Ops: the status page asks for a monitor's or an administrator's token, e.g. the one in "
                    + shown(app.dataDirectory().adminTokenFile()) + " (metrics need one as a Bearer token)");
            out.println("  status page  " + ops + "/status");
            out.println("  metrics      " + ops + "/metrics");
            out.println("  health       " + ops + "/health/ready");
            out.println("  terminal     ./vaultgate status --watch --home " + arg(app.dataDirectory().home())
                    + " --url " + ops);
        });
        out.println();
        out.println("Uploads are forwarded, sealed to the site's key, over mutual TLS to the demo BPO site, which "
                + "drops them into "
                + shown(siteDrop.resolve(DemoSetup.TENANT).resolve(DemoSetup.ACCOUNT).resolve("inbox")) + "/");
        out.println("Every file is encrypted at rest under the tenant's key; look in "
                + shown(app.dataDirectory().home().resolve("objects")) + ". Press Ctrl-C to stop.");
        out.flush();
    }

    /**
     * A note when the demo tenant is locked (by {@code vaultgate lockdown demo}, as {@code run} suggests to end the
     * demo): its logins are refused, so the printed commands would fail without it.
     */
    static Optional<String> lockedNotice(Administration admin) {
        return admin.tenant(TenantId.of(DemoSetup.TENANT)).filter(tenant -> tenant.status() == TenantStatus.LOCKED)
                .map(tenant -> "NOTE: tenant '" + DemoSetup.TENANT + "' is locked, so these commands are refused; "
                        + "`vaultgate unlock " + DemoSetup.TENANT + " --reason TEXT` opens the demo again");
    }

    /**
     * Where the demo listens, each listener as address:port, and a warning naming those reachable from other
     * machines: anyone who reads the demo's credentials (printed, and kept in the data directory) can log in there.
     */
    static List<String> listeners(VaultgateConfig config, Optional<Integer> sftp, Optional<Integer> https,
                                  Optional<Integer> ops, InetSocketAddress site) {
        List<String> listening = new ArrayList<>();
        List<String> exposed = new ArrayList<>();
        sftp.ifPresent(port -> listener(listening, exposed, "SFTP", config.sftp().bind(), port));
        https.ifPresent(port -> listener(listening, exposed, "HTTPS", config.https().bind(), port));
        ops.ifPresent(port -> listener(listening, exposed, "ops", config.ops().bind(), port));
        listener(listening, exposed, "demo site", site.getAddress().getHostAddress(), site.getPort());
        List<String> lines = new ArrayList<>();
        lines.add("Listening on " + String.join(", ", listening) + (exposed.isEmpty() ? " (loopback only)" : ""));
        if (!exposed.isEmpty()) {
            lines.add("WARNING: " + String.join(", ", exposed) + " can be reached from other machines: anyone who "
                    + "has the demo's credentials can log in. Leave sftp.bind, https.bind and ops.bind unset to keep "
                    + "the demo on loopback.");
        }
        return lines;
    }

    private static void listener(List<String> listening, List<String> exposed, String name, String bind, int port) {
        String address = name + " " + (bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind) + ":"
                + port;
        listening.add(address);
        if (!LoopbackHost.is(bind)) {
            exposed.add(address);
        }
    }

    /** A path in full, so the printed commands work from any directory. */
    private static String shown(Path path) {
        return path.toAbsolutePath().normalize().toString();
    }

    /** {@link #shown} as one shell word, quoted when it holds anything but letters, digits and {@code /._-}. */
    private static String arg(Path path) {
        return arg(shown(path));
    }

    private static String arg(String word) {
        return word.matches("[A-Za-z0-9/._@:=-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
