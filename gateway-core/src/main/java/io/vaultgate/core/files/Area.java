package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.path.VirtualPath;

/**
 * The top-level areas of a client account's namespace: {@code /inbox} receives its uploads (it sees its
 * own), {@code /outbox} holds results the BPO site returned to the tenant (read-only for clients).
 * Anything else does not exist for a client.
 */
public enum Area {
    ROOT(""), INBOX("inbox"), OUTBOX("outbox");

    private final String segment;

    Area(String segment) {
        this.segment = segment;
    }

    public VirtualPath path() {
        return this == ROOT ? VirtualPath.ROOT : VirtualPath.ROOT.child(segment);
    }

    public static Area of(VirtualPath path) {
        if (path.isRoot()) {
            return ROOT;
        }
        return switch (path.area()) {
            case "inbox" -> INBOX;
            case "outbox" -> OUTBOX;
            default -> throw GatewayException.notFound(path.toString());
        };
    }
}
