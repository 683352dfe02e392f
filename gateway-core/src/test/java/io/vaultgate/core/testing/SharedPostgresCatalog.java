package io.vaultgate.core.testing;

import io.vaultgate.core.catalog.Database;
import java.util.ArrayList;
import java.util.List;

/**
 * A fresh PostgreSQL catalog shared by several gateway nodes, each node its own {@link Database} (own pool, own
 * connections), as in a scale-out: for tests of row locks and races between nodes. Closing it closes every node
 * opened through it and drops the database.
 */
public final class SharedPostgresCatalog implements AutoCloseable {

    /** Migrated already (a copy of the template): the tests here are about the nodes' races, not migrating. */
    private final String name = PostgresDatabases.createMigrated();
    private final List<Database> nodes = new ArrayList<>();

    /**
     * A new catalog with tenant {@code acme}, site {@code manila} and acme's {@code PULL} route {@code r1} of
     * {@code /inbox} to manila, written through a first node.
     */
    public static SharedPostgresCatalog withRoute() {
        SharedPostgresCatalog catalog = new SharedPostgresCatalog();
        catalog.node().inTransaction(jdbc -> {
            jdbc.update("INSERT INTO tenants (id, name, status, protocols, created_at) VALUES ('acme', 'Acme', "
                    + "'ACTIVE', 'SFTP', 0)");
            jdbc.update("INSERT INTO sites (id, name, created_at) VALUES ('manila', 'Manila', 0)");
            return jdbc.update("INSERT INTO routes (id, tenant_id, site_id, mode, path_prefix, created_at) "
                    + "VALUES ('r1', 'acme', 'manila', 'PULL', '/inbox', 0)");
        });
        return catalog;
    }

    /** The first node, opening it if none is open yet. */
    public Database first() {
        return nodes.isEmpty() ? node() : nodes.get(0);
    }

    /** Opens another node on the catalog (Flyway validates it, as at a gateway's start). */
    public Database node() {
        Database node = PostgresDatabases.open(name);
        nodes.add(node);
        return node;
    }

    @Override
    public void close() {
        nodes.forEach(Database::close);
        PostgresDatabases.drop(name);
    }
}
