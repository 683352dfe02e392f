package io.vaultgate.core.ingest;

import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.Tenant;
import java.sql.SQLException;

/**
 * Whether an interrupted upload may stay as a resumable partial: only if the tenant's bytes, with the upload's row
 * at the size it would keep, stay within its byte quota. Each upload's writes are checked against what was stored
 * when it opened, not against the uploads streaming at the same time, and the bytes are checked again only at
 * commit; without this, uploads cut off together would each keep up to the quota as partials, which count towards
 * it and stay (a resume without writing starts their expiry again). Checked whenever a partial grows, so the
 * bytes of every partial were within the quota, with all the tenant held then, when they were kept.
 */
final class PartialQuota {

    private final FileRepository files;
    private final TenantRepository tenants;

    PartialQuota(FileRepository files, TenantRepository tenants) {
        this.files = files;
        this.tenants = tenants;
    }

    /**
     * Within the caller's transaction, which this makes take the tenant's name lock (the lock uploads opening and
     * publishing take: partials kept at the same time count one after another): whether {@code upload}, whose row
     * holds {@code upload.size()} bytes, may keep {@code kept} bytes under the tenant's byte quota as it is now.
     * One that keeps no more than its row holds always may (a tus upload's empty partial at creation, a resume
     * that wrote nothing): it adds nothing, and a quota lowered below what a tenant holds removes none of its
     * files, so none of its partials either; a commit over the quota is refused all the same.
     */
    boolean allows(Jdbc jdbc, FileRecord upload, long kept) throws SQLException {
        if (kept <= upload.size()) {
            return true;
        }
        tenants.lockNames(jdbc, upload.tenant());
        Quota quota = tenants.find(jdbc, upload.tenant()).map(Tenant::quota).orElse(Quota.UNLIMITED);
        return quota.maxBytes() == 0
                || quota.allowsBytes(files.usage(jdbc, upload.tenant())[0] - upload.size() + kept);
    }
}
