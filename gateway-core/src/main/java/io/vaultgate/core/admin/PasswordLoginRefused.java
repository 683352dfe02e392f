package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.tenant.TenantId;

/**
 * The cause inside the {@link GatewayException} ({@code CONFLICT}) that refuses a password for an account whose tenant
 * refuses password login: no login would ever accept it (the tenant's policy refuses it as {@code METHOD_NOT_ALLOWED}),
 * so setting it would only look like success (uxreview F4: {@code account add --password-stdin} answered "password
 * set" on such a tenant, exit 0, and every login with it then failed). The message names the tenant and the fix. Nothing
 * was changed. Carries no stack trace: it is a decision, not a failure.
 */
public final class PasswordLoginRefused extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private PasswordLoginRefused(String message) {
        super(message, null, false, false);
    }

    /** The refusal of a password for an account of {@code tenant}, which refuses password login. */
    static GatewayException refuse(TenantId tenant) {
        String message = "tenant " + tenant + " does not allow password login; enable it with `vaultgate tenant set "
                + tenant + " --allow-password` (admin API: PATCH /v1/admin/tenants/" + tenant
                + " {\"passwordLogin\": true}), or give the account an SSH key, token or client certificate instead";
        return new GatewayException(Reason.CONFLICT, message, message, new PasswordLoginRefused(message));
    }
}
