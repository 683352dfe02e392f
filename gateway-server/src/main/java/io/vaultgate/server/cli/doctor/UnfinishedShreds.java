package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Tenants marked SHREDDED whose shredding never finished: the status is set first (sessions end, nothing new is
 * accepted), then the key-encryption keys are destroyed and the data forgotten, and only then is the
 * {@code key.operation SHRED} event with the signed record appended. A crash or a failed keystore write in
 * between leaves a tenant that looks shredded while its keys and files are still there.
 */
final class UnfinishedShreds implements Check {

    static final String NAME = "tenant-shred";

    @Override
    public List<Finding> run(DoctorContext context) {
        List<Finding> findings = new ArrayList<>();
        for (Tenant tenant : context.database().read(new TenantRepository()::list)) {
            if (tenant.status() != TenantStatus.SHREDDED) {
                continue;
            }
            long finished = context.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events WHERE "
                    + "tenant_id = ? AND kind = 'key.operation' AND event LIKE ? AND event LIKE ?",
                    tenant.id().value(), "%\"action\":\"SHRED\"%", "%\"detail\":\"tenant shredded: record %"));
            if (finished == 0) {
                findings.add(new Finding(NAME, "tenant " + tenant.id(), "marked SHREDDED, but its shredding did not "
                        + "finish: its key-encryption keys and files may still exist", "run `vaultgate tenant shred "
                        + tenant.id() + " --reason TEXT --confirm " + tenant.id() + "` again: it finishes the shred"));
            }
        }
        return findings;
    }
}
