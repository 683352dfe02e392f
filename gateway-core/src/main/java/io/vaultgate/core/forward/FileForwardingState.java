package io.vaultgate.core.forward;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.Access;
import io.vaultgate.core.files.Area;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.path.VirtualPath;
import java.util.List;
import java.util.Optional;

/**
 * The forwarding state of a client's own committed file, per site (queued, sending, delivered with its time
 * and the site's digest, dead-lettered, abandoned with its time when the site was removed): what a tenant may see of where its file went. The file is found as the
 * client sees it (its inbox, the tenant's outbox); anything else is not found.
 */
public final class FileForwardingState {

    private final Database database;
    private final FileRepository files;
    private final Outbox outbox;

    FileForwardingState(Database database, FileRepository files, Outbox outbox) {
        this.database = database;
        this.files = files;
        this.outbox = outbox;
    }

    /** The file's jobs, one per site it is routed to (none if no push route took it). */
    public Delivery of(Principal principal, VirtualPath path) {
        ClientPrincipal client = Access.reader(principal, path);
        FileRecord file = database.read(jdbc -> Area.of(path) == Area.INBOX
                        ? files.findOwned(jdbc, client.tenant(), client.accountId(), path, FileState.COMMITTED)
                        : Area.of(path) == Area.OUTBOX ? files.findCommitted(jdbc, client.tenant(), path)
                        : Optional.<FileRecord>empty())
                .orElseThrow(() -> GatewayException.notFound(path.toString()));
        List<ForwardJob> jobs = outbox.byFile(file.id()).stream()
                .filter(job -> job.tenant().equals(client.tenant())).toList();
        return new Delivery(file, jobs);
    }

    /** A file and its forwarding jobs. */
    public record Delivery(FileRecord file, List<ForwardJob> jobs) {
        public Delivery {
            jobs = List.copyOf(jobs);
        }
    }
}
