package io.vaultgate.server.cli;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.node.NodeStatus;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code vaultgate nodes}: the gateway nodes sharing this catalog, whether they live, what they are streaming. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = {"List the gateway nodes that share this catalog: alive (beat within catalog.node-dead-after) "
                + "or dead, when they started and last beat, and how many uploads each is streaming.",
                "A dead node's uploads are recovered into resumable partials by a live node."})
public final class NodesCommand extends CoreTask {

    NodesCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    int run(GatewayCore core, PrintWriter out) {
        List<NodeStatus> nodes = core.nodes().list();
        if (nodes.isEmpty()) {
            out.println("No node has run on this catalog yet (`vaultgate run` joins one).");
            return 0;
        }
        out.printf("%-40s %-6s %-25s %-25s %s%n", "NODE", "STATE", "STARTED", "LAST SEEN", "UPLOADING");
        for (NodeStatus node : nodes) {
            boolean alive = node.alive(core.nodes().settings());
            out.printf("%-40s %-6s %-25s %-25s %d%n", node.id(), alive ? "alive" : "dead", node.startedAt(),
                    node.lastSeen().toEpochMilli() == 0 ? "stopped" : node.lastSeen(), node.uploading());
        }
        return 0;
    }
}
