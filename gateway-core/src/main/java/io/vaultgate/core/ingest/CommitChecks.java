package io.vaultgate.core.ingest;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What an upload's commit verifies before it publishes the file, both inside the commit itself so that no other
 * upload can slip in between the check and the publication.
 *
 * @param expectedSha256 digests a client announced for the content (RFC 9530): each must equal the SHA-256 the
 *     core computed, or the upload is discarded with {@code INTEGRITY}
 * @param mayReplace given the SHA-256 (hex) of the file committed at the path now, or empty if there is none,
 *     whether this upload may take its place (HTTP {@code If-Match} / {@code If-None-Match}); if not, the upload
 *     is discarded with {@code PRECONDITION_FAILED} and the current file stays
 */
public record CommitChecks(List<byte[]> expectedSha256, Predicate<Optional<String>> mayReplace) {

    /** Nothing to verify: the usual commit, which replaces whatever is at the path. */
    public static final CommitChecks NONE = new CommitChecks(List.of(), current -> true);

    public CommitChecks {
        expectedSha256 = List.copyOf(expectedSha256);
    }

    public static CommitChecks digests(List<byte[]> expectedSha256) {
        return new CommitChecks(expectedSha256, NONE.mayReplace());
    }

    public CommitChecks replacingOnlyIf(Predicate<Optional<String>> rule) {
        return new CommitChecks(expectedSha256, rule);
    }
}
