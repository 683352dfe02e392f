package io.vaultgate.server;

import io.vaultgate.crypto.file.DurableFile;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Names this gateway node in forward-job leases: host name plus a random suffix, kept in {@code <home>/node-id}
 * so that it is the same after a restart (a restarted node then takes back at once the jobs it held when it
 * died, see {@code Forwarder.start}). Each node of a cluster has its own data directory and so its own id;
 * a copied data directory must have its {@code node-id} file deleted. Written durably ({@link DurableFile}): a node
 * id lost to a power loss would leave the previous id's uploads and jobs to the dead-node watch.
 */
final class NodeId {

    private NodeId() {
    }

    /** The id stored in {@code <home>/node-id}, created on first use. */
    static String stable(Path home) {
        Path file = home.resolve("node-id");
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
                if (id.matches("[A-Za-z0-9._-]{1,64}")) {
                    return id;
                }
            }
            String id = generate(); // US-ASCII: the pattern above
            DurableFile.writeString(file, id + "\n", DurableFile.Mode.OWNER_ONLY, DurableFile.Replace.EXISTING);
            return id;
        } catch (IOException e) {
            throw new StartupException("home " + home, "cannot keep the node id in " + file + ": " + e.getMessage(),
                    "check that the data directory is writable", e);
        }
    }

    static String generate() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        byte[] suffix = new byte[4];
        new SecureRandom().nextBytes(suffix);
        return host.replaceAll("[^A-Za-z0-9._-]", "-").substring(0, Math.min(host.length(), 50)) + "-"
                + HexFormat.of().formatHex(suffix);
    }
}
