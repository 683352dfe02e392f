package io.vaultgate.core.auth;

import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.OperatorRepository.OperatorRow;
import io.vaultgate.core.catalog.SiteRepository;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The site's policy on its operator's login, whatever its credential (SSH key, API token, the token exchange): the
 * networks the site's operators may log in from ({@code vaultgate site set SITE --allow-sources}), checked by the one
 * rule of {@link SourceAddresses}. Outside them the login is refused {@link AuthFailure#SOURCE_NOT_ALLOWED}, the
 * refusal of a client outside its tenant's allowlist: the same answer, audit reason, meter and defender score. An
 * empty list admits any address. A tenant's allowlist binds its own accounts only; this one binds the people its
 * batches go to.
 */
final class OperatorLoginPolicy {

    private final SiteRepository sites = new SiteRepository();

    /** Why the operator's site refuses it a login from {@code source} now: empty if it does not. */
    Optional<AuthFailure> refusal(Jdbc jdbc, OperatorRow operator, String source) throws SQLException {
        return SourceAddresses.allowedBy(sites.allowedSources(jdbc, operator.siteId()), source) ? Optional.empty()
                : Optional.of(AuthFailure.SOURCE_NOT_ALLOWED);
    }
}
