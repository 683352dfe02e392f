package io.vaultgate.server;

import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.node.NodeStatus;
import io.vaultgate.server.config.CatalogType;
import io.vaultgate.server.config.StorageType;
import io.vaultgate.server.config.VaultgateConfig;
import java.util.List;

/**
 * Refuses to start a node whose objects live in its own directory while another live node serves the same
 * catalog. The catalog would then list files whose ciphertext is on the other machine: downloads of them fail
 * here, forwards of them go dead, and a shared network directory has no grace period in the start-up sweep. Several
 * nodes need a shared bucket ({@code storage.type: s3}, docs/scale-out.md); one node on PostgreSQL with local
 * storage is fine.
 */
final class LocalStorageGuard {

    private LocalStorageGuard() {
    }

    static void check(VaultgateConfig config, NodeSettings self, List<NodeStatus> nodes) {
        if (config.catalog().type() != CatalogType.POSTGRESQL || config.storage().type() != StorageType.FILESYSTEM) {
            return;
        }
        for (NodeStatus node : nodes) {
            if (!node.id().equals(self.id()) && node.alive(self)) {
                throw new StartupException("storage " + config.storageRoot(), "node " + node.id() + " serves the same "
                        + "catalog (last heartbeat " + node.lastSeen() + ") while this node's objects would live in its "
                        + "own directory: files uploaded on one node could not be read or forwarded by the other",
                        "give every node the same S3 bucket (storage.type: s3, docs/scale-out.md), or stop node "
                        + node.id() + " first");
            }
        }
    }
}
