package io.vaultgate.core.files;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.Tenant;

/**
 * Which tenant's quota a principal's uploads at a path count against, with its use: a client's own tenant. An
 * operator is shown none ({@link StorageSpace#NONE}: no limit, nothing used) anywhere, also inside a batch it holds,
 * where its results do count against the tenant's quota: the tenant's use is the bytes and files of all its
 * accounts, which least privilege keeps from a site's operators (a locked tenant's, one whose policy they have not
 * acknowledged, or any other); a result over the quota is refused when it is stored, as any upload.
 */
final class StorageSpaces {

    private final Database database;
    private final FileRepository files;
    private final TenantRepository tenants = new TenantRepository();

    StorageSpaces(Database database, FileRepository files) {
        this.database = database;
        this.files = files;
    }

    StorageSpace of(Principal principal, VirtualPath path) {
        if (principal instanceof OperatorPrincipal) {
            return StorageSpace.NONE;
        }
        ClientPrincipal client = Access.reader(principal, path);
        return database.read(jdbc -> {
            Quota quota = tenants.find(jdbc, client.tenant()).map(Tenant::quota).orElse(Quota.UNLIMITED);
            long[] used = files.usage(jdbc, client.tenant());
            return StorageSpace.of(quota, used[0], used[1]);
        });
    }
}
