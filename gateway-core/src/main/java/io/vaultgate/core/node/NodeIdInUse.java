package io.vaultgate.core.node;

/** Another running process beats under this node's id: two nodes must never share one. */
public final class NodeIdInUse extends RuntimeException {

    private static final long serialVersionUID = 1L;

    NodeIdInUse(String id) {
        super("node id " + id + " is in use: another process with this id beat while this one started (a copied "
                + "data directory keeps the node-id file of its source)");
    }
}
