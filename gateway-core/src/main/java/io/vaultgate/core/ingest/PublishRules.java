package io.vaultgate.core.ingest;

import io.vaultgate.core.tenant.Quota;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What must still hold when an upload is published, checked in the publishing transaction (by
 * {@link PublishChecks}) so that nothing committed meanwhile slips past them.
 *
 * @param mayReplace given the SHA-256 (hex) of the file committed at the path now, or empty for none, whether
 *     this upload may take its place (HTTP {@code If-Match} / {@code If-None-Match})
 * @param quota the tenant's limits: its bytes, this file's included, must stay within them (uploads streaming
 *     at once each checked the quota without the others)
 * @param resultOf for an operator's result, the batch it answers, which the operator must still hold
 */
record PublishRules(Predicate<Optional<String>> mayReplace, Quota quota, Optional<String> resultOf) {

    PublishRules {
        Objects.requireNonNull(mayReplace, "mayReplace");
        Objects.requireNonNull(quota, "quota");
        Objects.requireNonNull(resultOf, "resultOf");
    }
}
