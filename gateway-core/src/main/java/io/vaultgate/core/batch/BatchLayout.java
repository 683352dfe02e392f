package io.vaultgate.core.batch;

import io.vaultgate.core.path.VirtualPath;
import java.util.List;
import java.util.Optional;

/**
 * The names a batch has in its operator's view, {@code /<tenant>/<batch>/...}: each file by its path below the
 * tenant's {@code /inbox}, next to {@link #RESULTS}, the directory the operator writes its results to. A client's own
 * {@code /inbox/results} (a file or a directory) would be hidden by that directory, so the view shows it as
 * {@link #CLIENT_RESULTS} instead; and since a client may also send {@code /inbox/inbox-results}, a batch holds
 * files below at most one of the two ({@link #sharingItsName}), so every name in the view stands for one thing.
 */
public final class BatchLayout {

    /** The operator's results directory at the batch's root; what it writes there is the tenant's outbox. */
    public static final String RESULTS = "results";

    /** The name of the client's {@code /inbox/results} at the batch's root. */
    public static final String CLIENT_RESULTS = "inbox-results";

    private static final VirtualPath INBOX = VirtualPath.ROOT.child("inbox");

    private BatchLayout() {
    }

    /**
     * The inbox paths a path below the batch's root ({@code rest}, its segments, empty for the root) may stand for: none
     * at or below {@code results}, the operator's; {@code /inbox/results/...} or {@code /inbox/inbox-results/...} below
     * {@code inbox-results} (the batch holds files below one of them at most); otherwise the one below {@code /inbox}.
     */
    public static List<VirtualPath> inboxPaths(List<String> rest) {
        if (rest.isEmpty()) {
            return List.of(INBOX);
        }
        String first = rest.get(0);
        if (first.equals(RESULTS)) {
            return List.of();
        }
        List<String> below = rest.subList(1, rest.size());
        return first.equals(CLIENT_RESULTS) ? List.of(below(INBOX.child(RESULTS), below), below(INBOX.child(first), below))
                : List.of(below(INBOX.child(first), below));
    }

    /**
     * For an inbox path at or below {@code /inbox/results}, {@code /inbox/inbox-results}; and the other way round:
     * the inbox directory whose files the operator would see under the same name. A batch holding a file at or below
     * one of them takes none at or below the other (the file starts the next batch, as any path clash does).
     */
    public static Optional<VirtualPath> sharingItsName(VirtualPath inboxPath) {
        if (inboxPath.depth() < 2 || !inboxPath.startsWith(INBOX)) {
            return Optional.empty();
        }
        String first = inboxPath.segments().get(1);
        if (first.equals(RESULTS)) {
            return Optional.of(INBOX.child(CLIENT_RESULTS));
        }
        return first.equals(CLIENT_RESULTS) ? Optional.of(INBOX.child(RESULTS)) : Optional.empty();
    }

    private static VirtualPath below(VirtualPath root, List<String> segments) {
        VirtualPath path = root;
        for (String segment : segments) {
            path = path.child(segment);
        }
        return path;
    }
}
