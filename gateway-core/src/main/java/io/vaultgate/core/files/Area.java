package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.path.VirtualPath;
import java.util.Optional;

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

    /** The area {@code path} lies in; a path outside every area is not found. */
    public static Area of(VirtualPath path) {
        return find(path).orElseThrow(() -> GatewayException.notFound(path.toString()));
    }

    /** The area {@code path} lies in, if any. */
    public static Optional<Area> find(VirtualPath path) {
        if (path.isRoot()) {
            return Optional.of(ROOT);
        }
        return switch (path.area()) {
            case "inbox" -> Optional.of(INBOX);
            case "outbox" -> Optional.of(OUTBOX);
            default -> Optional.empty();
        };
    }
}
