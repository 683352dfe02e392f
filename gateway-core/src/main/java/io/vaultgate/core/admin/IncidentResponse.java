package io.vaultgate.core.admin;

import io.vaultgate.core.defender.Defender;
import io.vaultgate.core.defender.LoginLockouts;
import io.vaultgate.core.mfa.Mfa;
import io.vaultgate.core.session.LiveSessions;

/**
 * Who may get in and getting them out, for administrators (CLI and admin API): bans and lockouts,
 * tenant lockdowns, credential revocation, account expiry, TOTP enrollment, the live sessions of this node,
 * removing (offboarding) operators and sites, the administrators themselves and the monitors (what scrapes the ops
 * listener). Every operation that changes something takes its actor explicitly.
 */
public record IncidentResponse(Defender defender, LoginLockouts lockouts, Lockdown lockdown, Revocation revocation,
                               AccountExpiry expiry, DeniedSourceAdministration deniedSources, Mfa mfa,
                               LiveSessions sessions, Offboarding offboarding, SiteRemoval siteRemoval,
                               Administrators administrators, Monitors monitors) {
}
