package io.vaultgate.core.auth;

import io.vaultgate.core.defender.Defender;
import io.vaultgate.core.defender.Offence;
import io.vaultgate.core.mfa.Mfa;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.session.LiveSessions;
import java.util.Optional;

/** The core's {@link AccessControl}: its defender, live sessions, MFA and banner. */
public record GatewayAccessControl(Defender defender, LiveSessions sessions, Mfa mfa, Optional<String> banner)
        implements AccessControl {

    @Override
    public boolean admits(String sourceAddress, String stage) {
        return defender.admits(sourceAddress, stage);
    }

    @Override
    public void offence(String sourceAddress, Offence offence) {
        defender.offence(sourceAddress, offence);
    }

    @Override
    public void forgive(String sourceAddress, Offence offence) {
        defender.forgive(sourceAddress, offence);
    }

    @Override
    public boolean mfaRequired(Principal principal) {
        return mfa.required(principal);
    }

    @Override
    public boolean mfaConfigured() {
        return !mfa.policy().requiredFor().isEmpty();
    }

    @Override
    public boolean mfaRequiredForPasswords() {
        return mfa.policy().requires(Role.CLIENT);
    }

    @Override
    public Optional<Mfa.IssuedToken> issueSessionToken(Principal principal) {
        return Optional.of(mfa.issueSessionToken(principal));
    }
}
