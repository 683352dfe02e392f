package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.TenantId;

/**
 * The cause inside the {@link GatewayException} (reason {@code CONFLICT}) that refuses to register a client
 * certificate an account holds already: a mutual-TLS login must find one account for a certificate, so a front-end
 * answers it with its own type (HTTP {@code 409 certificate-taken}). The message names the holder only when it is an
 * account of the tenant the certificate was meant for; of another tenant it says so, and names neither (the log
 * detail does). Carries no stack trace: it is a decision, not a failure.
 */
public final class CertificateTaken extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private CertificateTaken(String message) {
        super(message, null, false, false);
    }

    /**
     * @param fingerprint the certificate's hex SHA-256
     * @param tenant      the tenant of the account it was to be registered to
     * @param holder      the account holding it
     */
    static GatewayException refuse(String fingerprint, TenantId tenant, Account holder) {
        String held = holder.tenant().equals(tenant)
                ? "account " + holder.username() + " of this tenant (revoke it there first: vaultgate account revoke "
                        + holder.username() + " --certificate " + fingerprint + ")"
                : "an account of another tenant";
        String message = "client certificate " + fingerprint + " is already registered to " + held
                + "; a certificate logs in as one account only";
        return new GatewayException(Reason.CONFLICT, message, message + " [holder: " + holder.username()
                + " of tenant " + holder.tenant() + "]", new CertificateTaken(message));
    }
}
