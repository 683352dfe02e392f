package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Tenant;
import java.util.List;

/** Tenants that allow password logins from any address: passwords are guessable, an allowlist limits who can try. */
final class PasswordWithoutAllowlist implements Check {

    static final String NAME = "password-login";

    @Override
    public List<Finding> run(DoctorContext context) {
        return context.database().read(new TenantRepository()::list).stream()
                .filter(Tenant::passwordLoginAllowed).filter(tenant -> tenant.allowedSources().isEmpty())
                .map(tenant -> new Finding(NAME, "tenant " + tenant.id(), "password login is allowed from any address",
                        "restrict it with `vaultgate tenant set " + tenant.id() + " --allow-sources CIDR`, or turn "
                                + "passwords off"))
                .toList();
    }
}
