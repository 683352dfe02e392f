package io.vaultgate.core.forward;

import io.micrometer.core.instrument.MeterRegistry;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.FileOpener;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/**
 * The core's forwarding: the outbox the router fills in each commit transaction, and forwarders that drain
 * it to the sites, with every delivery audited.
 */
public final class Forwarding {

    private final Database database;
    private final Outbox outbox;
    private final FileOpener opener;
    private final Optional<StoredEnvelopes> envelopes;
    private final AuditLog audit;
    private final SecureRandom random;
    private final Clock clock;

    /** Without sealed forwarding: sites with a recipient key fail with a configuration error. */
    public Forwarding(Database database, Outbox outbox, FileOpener opener, AuditLog audit, SecureRandom random,
                      Clock clock) {
        this(database, outbox, opener, Optional.empty(), audit, random, clock);
    }

    /** @param envelopes the stored envelopes, for sites that take sealed forwards */
    public Forwarding(Database database, Outbox outbox, FileOpener opener, Optional<StoredEnvelopes> envelopes,
                      AuditLog audit, SecureRandom random, Clock clock) {
        this.database = database;
        this.outbox = outbox;
        this.opener = opener;
        this.envelopes = envelopes;
        this.audit = audit;
        this.random = random;
        this.clock = clock;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** Where a client's own files went (for the tenant's view of forwarding). */
    public FileForwardingState fileState() {
        return new FileForwardingState(database, new FileRepository(), outbox);
    }

    /** Sites' forwarding configuration, over the core's catalog. */
    public ForwardingAdministration administration() {
        return new ForwardingAdministration(database, clock);
    }

    /** A forwarder for this node; call {@link Forwarder#start()} and close it on shutdown. */
    public Forwarder forwarder(ForwarderSettings settings, String nodeId, MeterRegistry meters) {
        return new Forwarder(database, outbox, opener, envelopes, settings, nodeId, meters,
                new AuditedForwardEvents(audit, database, clock), random, clock);
    }
}
