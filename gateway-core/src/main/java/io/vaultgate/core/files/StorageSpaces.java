package io.vaultgate.core.files;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import java.time.Clock;
import java.util.Optional;

/**
 * Which tenant's quota a principal's uploads at a path count against, with its use: a client's own tenant; for
 * an operator, the tenant of {@code /<tenant>/...} when it holds a batch of that tenant (its results count
 * against that tenant's quota); nothing ({@link StorageSpace#NONE}) elsewhere, e.g. at an operator's root.
 */
final class StorageSpaces {

    private final Database database;
    private final FileRepository files;
    private final BatchRepository batches;
    private final Clock clock;
    private final TenantRepository tenants = new TenantRepository();

    StorageSpaces(Database database, FileRepository files, BatchRepository batches, Clock clock) {
        this.database = database;
        this.files = files;
        this.batches = batches;
        this.clock = clock;
    }

    StorageSpace of(Principal principal, VirtualPath path) {
        return database.read(jdbc -> {
            Optional<TenantId> tenant;
            if (principal instanceof OperatorPrincipal operator) {
                tenant = path.isRoot() ? Optional.empty()
                        : batches.heldBy(jdbc, operator.operatorId(), clock.instant()).stream()
                        .map(Batch::tenant).filter(t -> t.value().equals(path.segments().get(0))).findFirst();
            } else {
                ClientPrincipal client = Access.reader(principal, path);
                tenant = Optional.of(client.tenant());
            }
            if (tenant.isEmpty()) {
                return StorageSpace.NONE;
            }
            Quota quota = tenants.find(jdbc, tenant.get()).map(Tenant::quota).orElse(Quota.UNLIMITED);
            long[] used = files.usage(jdbc, tenant.get());
            return StorageSpace.of(quota, used[0], used[1]);
        });
    }
}
