package io.vaultgate.server.ops;

import java.net.InetAddress;
import java.util.Optional;

/**
 * What the ops endpoints read of a request: its path (decoded, without the query) and its
 * {@code Authorization} header, and the client's address (for the audit record of a token check).
 */
record OpsRequest(String path, Optional<String> authorization, InetAddress source) {
}
