package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantStatus;
import java.util.List;

/**
 * Tenants that allow password logins from any address: passwords are guessable, an allowlist limits who can try. A
 * shredded tenant is not reported: its shred forgot every password, nobody can log into it, and it cannot be changed
 * (so the fix would be refused, and the doctor could never pass again).
 */
final class PasswordWithoutAllowlist implements Check {

    static final String NAME = "password-login";

    @Override
    public List<Finding> run(DoctorContext context) {
        return context.database().read(new TenantRepository()::list).stream()
                .filter(tenant -> tenant.status() != TenantStatus.SHREDDED).filter(Tenant::passwordLoginAllowed)
                .filter(tenant -> tenant.allowedSources().isEmpty())
                .map(tenant -> new Finding(NAME, "tenant " + tenant.id(), "password login is allowed from any address",
                        "restrict it with `vaultgate tenant set " + tenant.id() + " --allow-sources CIDR`, or turn "
                                + "passwords off with `vaultgate tenant set " + tenant.id() + " --refuse-password`"))
                .toList();
    }
}
