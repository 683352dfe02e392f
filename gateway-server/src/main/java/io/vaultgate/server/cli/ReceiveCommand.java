package io.vaultgate.server.cli;

import io.vaultgate.crypto.seal.SitePrivateKey;
import io.vaultgate.https.TlsMaterial;
import io.vaultgate.https.receiver.ReceiverSettings;
import io.vaultgate.https.receiver.SiteReceiver;
import io.vaultgate.server.StartupException;
import io.vaultgate.server.tls.NotPemFileException;
import io.vaultgate.server.tls.PemInput;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vaultgate receive}: runs the reference site receiver, for a BPO site, until stopped. It needs no
 * gateway data directory: only the site's id, its own server key and certificate and the gateway's forwarding CA
 * certificate. {@code --site} is required: a receiver serves one site, and without its id it could tell neither a
 * forwarder certificate the forwarding CA issued to another site nor a file sealed for another site from its own.
 */
@Command(name = "receive", mixinStandardHelpOptions = true,
        description = {"Run a site receiver: accept files forwarded by a Vaultgate gateway over mutual TLS and "
                + "write them into a drop directory as <drop>/<tenant>/<account>/<path>.",
                "Example: vaultgate receive --site manila --listen 0.0.0.0:9443 --drop /srv/drop --key site.key "
                        + "--cert site.crt --client-ca forwarding-ca.crt"})
public final class ReceiveCommand implements Callable<Integer> {

    String site;

    @Option(names = "--site", required = true, paramLabel = "ID", description = "The id of the site this receiver "
            + "serves, as registered at the gateway (`vaultgate site add ID`). Only the gateway's client certificate "
            + "for this site (CN=vaultgate-forwarder-ID, `vaultgate forward configure ID --issue-client-cert`) is "
            + "accepted, a file sent for another site is refused (421) and sealed keys are opened as bound to ID.")
    void site(String id) {
        try {
            site = ReceiverSettings.requireSiteId(id);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Option(names = "--listen", defaultValue = "127.0.0.1:9443", description = "HOST:PORT (default 127.0.0.1:9443).")
    String listen;

    @Option(names = "--drop", required = true, description = "Directory the files are written into.")
    Path drop;

    @Option(names = "--key", required = true, description = "PEM private key of the receiver's server certificate.")
    Path key;

    @Option(names = "--cert", required = true, description = "PEM server certificate chain, leaf first.")
    Path cert;

    @Option(names = "--client-ca", required = true, description = "PEM certificate of the gateway's "
            + "forwarding CA (its <home>/tls/forwarding-ca.crt, never ca.crt, which also issues tenants' account "
            + "certificates); only clients it issued are accepted.")
    Path clientCa;

    @Option(names = "--crl", description = "PEM CRL(s) of the forwarding CA; revocation is then checked and fails "
            + "closed. Read again when a file changes (a renewed CRL needs no restart). Repeatable.")
    java.util.List<Path> crls = new java.util.ArrayList<>();

    @Option(names = "--sealed-key", paramLabel = "FILE", description = "The site's X25519 private key (PEM, 0600) "
            + "that opens sealed forwards; created with its public half FILE.pub if missing. Give FILE.pub to the "
            + "gateway's admin (`vaultgate site add ... --sealed-recipient-key FILE.pub`). With it, plain (unsealed) "
            + "forwards are refused.")
    Path sealedKey;

    @Option(names = "--max-file-size", defaultValue = "1TiB", description = "Largest file accepted (default 1TiB).")
    String maxFileSize;

    @Option(names = "--min-body-rate", defaultValue = "1KiB", paramLabel = "SIZE", description = "A request body "
            + "that arrives slower than SIZE per second on average, once it has been waited for 60 s, is answered 408 "
            + "and its connection closed (slowloris on the body); 0 turns this off (default 1KiB).")
    String minBodyRate;

    int maxConnectionsPerIp = ReceiverSettings.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

    @Spec
    CommandSpec spec;

    @Option(names = "--max-connections-per-ip", paramLabel = "N", description = "Connections one client IP address "
            + "may hold open; more are closed as soon as they are accepted, before the TLS handshake (default "
            + ReceiverSettings.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS + ", as the gateway's listener; a gateway node sends "
            + "at most its site's max-concurrency files at once, each on a connection of its own).")
    void maxConnectionsPerIp(int connections) {
        if (connections < 1) {
            throw new ParameterException(spec.commandLine(), "--max-connections-per-ip: must be at least 1, got "
                    + connections);
        }
        maxConnectionsPerIp = connections;
    }

    @Override
    public Integer call() throws Exception {
        ReceiverSettings settings = new ReceiverSettings(site, address(listen), drop.toAbsolutePath(),
                read("--client-ca", clientCa), io.vaultgate.server.config.DataSize.parse(maxFileSize).bytes(),
                Duration.ofSeconds(60), readCrls())
                .withMinBodyRate(io.vaultgate.server.config.DataSize.parse(minBodyRate).bytes())
                .withMaxConnectionsPerAddress(maxConnectionsPerIp);
        if (sealedKey != null) {
            settings = settings.withSiteKey(siteKey(sealedKey));
        }
        TlsMaterial material = TlsMaterial.of(read(() -> PemInput.privateKey("--key", key)),
                read(() -> PemInput.certificates("--cert", cert)));
        try (SiteReceiver receiver = SiteReceiver.start(settings, material)) {
            spec.commandLine().getOut().println("Receiving for site " + site + " on " + receiver.address() + " into "
                    + settings.drop()
                    + settings.siteKey().map(k -> ", opening sealed forwards to " + k.publicKey().toBase64()).orElse("")
                    + " (Ctrl-C stops)");
            Runtime.getRuntime().addShutdownHook(new Thread(receiver::close, "vaultgate-receiver-stop"));
            receiver.awaitClose();
        } catch (IOException e) {
            throw new StartupException("--listen " + listen, e.getMessage(), "choose a free port and a local address", e);
        }
        return 0;
    }

    /** Reads the site key, or creates it (0600) with its public half beside it. */
    private SitePrivateKey siteKey(Path file) {
        try {
            if (!java.nio.file.Files.exists(file)) {
                SitePrivateKey created = SitePrivateKey.generate(new java.security.SecureRandom());
                created.write(file);
                Path pub = file.resolveSibling(file.getFileName() + ".pub");
                java.nio.file.Files.writeString(pub, created.publicKey().toPem());
                spec.commandLine().getOut().println("Created the site key " + file + "; give " + pub
                        + " to the gateway's admin for sealed forwarding");
                return created;
            }
            return SitePrivateKey.read(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupException("--sealed-key " + file, String.valueOf(e.getMessage()),
                    "give the PEM X25519 private key (mode 0600), or a new path to create one", e);
        }
    }

    static InetSocketAddress address(String text) {
        int colon = text.lastIndexOf(':');
        InetSocketAddress address;
        try {
            if (colon < 1) {
                throw new NumberFormatException();
            }
            String host = text.substring(0, colon).replace("[", "").replace("]", "");
            address = new InetSocketAddress(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--listen " + text + ": give HOST:PORT, e.g. 127.0.0.1:9443");
        }
        if (address.isUnresolved()) { // else the bind fails with an exception that has no message
            throw new IllegalArgumentException("--listen " + text + ": " + address.getHostString() + " does not "
                    + "resolve; give an IP address, e.g. 0.0.0.0:" + address.getPort() + ", or a name that resolves");
        }
        return address;
    }

    /** The --crl files, read now and again whenever one changes; a file that holds no CRL stops start-up. */
    private io.vaultgate.https.receiver.RevocationLists readCrls() {
        try {
            return io.vaultgate.https.receiver.CrlFiles.load(crls);
        } catch (io.vaultgate.https.receiver.CrlFiles.Unusable e) {
            throw new StartupException("--crl " + e.file(), e.problem(), "give a PEM X509 CRL file", e);
        } catch (IOException e) {
            throw new StartupException("--crl", String.valueOf(e.getMessage()), "give readable PEM X509 CRL files", e);
        }
    }

    private static java.util.List<java.security.cert.X509Certificate> read(String option, Path file) {
        return read(() -> PemInput.certificates(option, file));
    }

    /** A file the receiver cannot start without, read: one it cannot use stops it as a start-up error (exit 2). */
    private static <T> T read(java.util.function.Supplier<T> pem) {
        try {
            return pem.get();
        } catch (NotPemFileException e) {
            throw new StartupException(e.source(), e.problem(), e.fix(), e);
        }
    }
}
