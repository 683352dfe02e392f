package io.vaultgate.core.admin;

import io.vaultgate.core.kek.TenantKeyCreation;
import io.vaultgate.core.tenant.Tenant;
import java.util.Optional;

/**
 * What {@link TenantCreation#addTenant} did: created the tenant, or completed one an older gateway left half-created
 * (its row recorded without a KEK version), whose name and password login are those first recorded.
 *
 * @param tenant     the tenant as it is now (a completed one with the maximum file size asked, where one was)
 * @param completion what the completion recorded; empty where the tenant was created now
 */
public record TenantAdded(Tenant tenant, Optional<TenantKeyCreation.Completion> completion) {

    /**
     * What {@code vaultgate tenant add} prints: "Created tenant acme (Acme)", or "Completed tenant acme (Acme): " and
     * what the completion recorded, as audited.
     */
    public String summary() {
        String named = tenant.id() + " (" + tenant.name() + ")";
        return completion.map(done -> "Completed tenant " + named + ": " + done.audited())
                .orElse("Created tenant " + named);
    }

    /** Whether the tenant was created now; false for a completion (the admin API's 200, not 201). */
    public boolean created() {
        return completion.isEmpty();
    }
}
