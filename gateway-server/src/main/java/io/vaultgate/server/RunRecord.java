package io.vaultgate.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * What a serving gateway records in its {@link RunFile}: which process it is, its node id, and where it listens
 * (each listener that runs, with the port it bound). No secret: nothing here lets anyone in.
 *
 * <pre>
 * {"pid":4242,"bootId":"6f1c…","processStart":918273,"nodeId":"gw1-1a2b3c4d",
 *  "ops":"http://127.0.0.1:41234","https":41235,"sftp":41236}
 * </pre>
 * A listener that does not run is left out.
 */
public record RunRecord(ProcessIdentity process, String nodeId, Optional<URI> ops, Optional<Integer> https,
                        Optional<Integer> sftp) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public RunRecord {
        Objects.requireNonNull(process, "process");
        if (nodeId == null || !nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("not a node id: " + nodeId);
        }
        ops.ifPresent(RunRecord::requireListenerUrl);
        https.ifPresent(port -> requirePort("https", port));
        sftp.ifPresent(port -> requirePort("sftp", port));
    }

    String toJson() {
        ObjectNode node = JSON.createObjectNode().put("pid", process.pid()).put("bootId", process.bootId())
                .put("processStart", process.startTicks()).put("nodeId", nodeId);
        ops.ifPresent(url -> node.put("ops", url.toString()));
        https.ifPresent(port -> node.put("https", port));
        sftp.ifPresent(port -> node.put("sftp", port));
        return node.toString() + "\n";
    }

    /** @throws IllegalArgumentException saying what is wrong, for anything but what {@link #toJson()} writes */
    static RunRecord parse(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        ProcessIdentity process = new ProcessIdentity(text(node, "bootId"), number(node, "pid"),
                number(node, "processStart"));
        return new RunRecord(process, text(node, "nodeId"),
                node.has("ops") ? Optional.of(URI.create(text(node, "ops"))) : Optional.empty(), port(node, "https"),
                port(node, "sftp"));
    }

    private static String text(JsonNode node, String field) {
        if (!node.path(field).isTextual()) {
            throw new IllegalArgumentException("no \"" + field + "\" text");
        }
        return node.get(field).asText();
    }

    private static long number(JsonNode node, String field) {
        if (!node.path(field).isIntegralNumber() || !node.get(field).canConvertToLong()) {
            throw new IllegalArgumentException("no \"" + field + "\" number");
        }
        return node.get(field).asLong();
    }

    private static Optional<Integer> port(JsonNode node, String field) {
        if (!node.has(field)) {
            return Optional.empty();
        }
        long port = number(node, field);
        requirePort(field, port);
        return Optional.of((int) port);
    }

    private static void requirePort(String name, long port) {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException(name + " port " + port + " is not a bound port");
        }
    }

    /** An http or https URL of a host and a bound port, and nothing else: the ops listener's address. */
    private static void requireListenerUrl(URI url) {
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null
                || url.getRawUserInfo() != null || !(url.getRawPath() == null || url.getRawPath().isEmpty())
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("ops " + url + " is not an http(s)://host:port address");
        }
        requirePort("ops", url.getPort());
    }
}
