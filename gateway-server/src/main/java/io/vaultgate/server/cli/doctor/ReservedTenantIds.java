package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.metrics.CoreHealth;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import java.util.List;
import java.util.Optional;

/**
 * A tenant whose id the gateway has since reserved: {@value CoreHealth#PROBE_TENANT}, under which the store's
 * readiness probe writes. {@code createTenant} refuses the id now, but a catalog that had such a tenant before the
 * reservation keeps it, and the probe then creates and deletes its one-byte objects in that tenant's storage space.
 * The probe names each object with a fresh random 128-bit id and touches no other, so the tenant's own objects are
 * not read or overwritten; the finding is about the shared space, which the reservation exists to prevent. A
 * shredded tenant of that id holds nothing any more and is not reported.
 */
final class ReservedTenantIds implements Check {

    static final String NAME = "reserved-tenant";

    @Override
    public List<Finding> run(DoctorContext context) {
        TenantId reserved = TenantId.of(CoreHealth.PROBE_TENANT);
        Optional<Tenant> tenant = context.database().read(jdbc -> new TenantRepository().find(jdbc, reserved));
        if (tenant.isEmpty() || tenant.get().status() == TenantStatus.SHREDDED) {
            return List.of();
        }
        return List.of(new Finding(NAME, "tenant " + reserved, "this id is reserved for the store's readiness probe, "
                + "which writes and deletes its probe objects in this tenant's storage space (under fresh random "
                + "names: the tenant's own objects are not touched)", "move the client to a tenant with another id "
                + "(`vaultgate tenant add NEW`, its accounts and routes there, its files uploaded again), then "
                + "offboard this one with `vaultgate tenant shred " + reserved + " --reason TEXT --confirm " + reserved + "`"));
    }
}
