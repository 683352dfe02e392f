package io.vaultgate.core.admin;

import io.vaultgate.core.tenant.TenantId;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an administrator asks of {@code vaultgate tenant add} or {@code POST /v1/admin/tenants}
 * ({@link TenantCreation#addTenant(NewTenant)}): a new tenant with these settings, or, for a tenant an older gateway
 * left half-created (its row recorded without a KEK version), the completion of its creation. A completion keeps the
 * name and password login first recorded (the password login changes afterwards with
 * {@link TenantSettings#setPasswordLogin}, audited as such, never by a completion): one the administrator
 * {@link #stated} that differs from the recorded one is refused, naming the option, never silently ignored (review22c
 * L5). The maximum file size, which {@code tenant set} changes on any tenant, is applied to a completed tenant too.
 *
 * @param name          the new tenant's display name
 * @param passwordLogin whether the new tenant's accounts may log in with passwords
 * @param maxFileBytes  the largest file its accounts may upload (0: no limit of its own), where stated; applied by
 *                      a creation and by a completion alike
 * @param newKey        {@code --new-key}: no node holds a key of a half-created tenant ({@link Administration})
 * @param stated        the settings the administrator stated, each with the option as they wrote it ({@code --name},
 *                      {@code passwordLogin}): checked against a completed tenant's recorded ones
 * @param acceptFork    {@code --accept-fork}: a completion records this node's key though some of the tenant's stored
 *                      data keys tried do not open with it ({@link io.vaultgate.core.kek.TenantKeyCreation#complete})
 */
public record NewTenant(TenantId id, String name, boolean passwordLogin, Optional<Long> maxFileBytes, boolean newKey,
                        Map<Setting, String> stated, boolean acceptFork) {

    /** A setting fixed at the tenant's creation: a completion keeps the recorded one. */
    public enum Setting {
        NAME, PASSWORD_LOGIN
    }

    public NewTenant {
        Objects.requireNonNull(id, "id");
        if (name == null || name.isBlank() || name.length() > 200) { // as a tenant's: refused before any completion
            throw new IllegalArgumentException("tenant name must be 1-200 characters");
        }
        Objects.requireNonNull(maxFileBytes, "maxFileBytes");
        if (maxFileBytes.isPresent() && maxFileBytes.get() < 0) {
            throw new IllegalArgumentException("the maximum file size must be >= 0 (0 = no limit), got "
                    + maxFileBytes.get());
        }
        stated = stated.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(stated));
    }

    /** Without {@code --accept-fork}. */
    public NewTenant(TenantId id, String name, boolean passwordLogin, Optional<Long> maxFileBytes, boolean newKey,
                     Map<Setting, String> stated) {
        this(id, name, passwordLogin, maxFileBytes, newKey, stated, false);
    }

    /**
     * A tenant of this id, named by its id, key-based login only, no limit of its own, stating nothing: what the
     * {@code with...} methods start from.
     */
    public static NewTenant of(TenantId id) {
        return new NewTenant(id, id.value(), false, Optional.empty(), false, Map.of());
    }

    /** Named {@code name}, stated by the administrator as {@code option} (e.g. {@code --name}). */
    public NewTenant named(String name, String option) {
        return new NewTenant(id, name, passwordLogin, maxFileBytes, newKey, with(Setting.NAME, option), acceptFork);
    }

    /** Password login allowed or refused, stated by the administrator as {@code option}. */
    public NewTenant withPasswordLogin(boolean allowed, String option) {
        return new NewTenant(id, name, allowed, maxFileBytes, newKey, with(Setting.PASSWORD_LOGIN, option),
                acceptFork);
    }

    /** The largest file its accounts may upload, 0 for no limit of its own. */
    public NewTenant withMaxFileBytes(long bytes) {
        return new NewTenant(id, name, passwordLogin, Optional.of(bytes), newKey, stated, acceptFork);
    }

    /** {@code --new-key}: the administrator states that no node holds a key of the half-created tenant. */
    public NewTenant withNewKey(boolean newKey) {
        return new NewTenant(id, name, passwordLogin, maxFileBytes, newKey, stated, acceptFork);
    }

    /**
     * {@code --accept-fork}: the administrator accepts that a completion records this node's key though some of the
     * tenant's stored data keys tried do not open with it (those files stay unreadable).
     */
    public NewTenant withAcceptFork(boolean acceptFork) {
        return new NewTenant(id, name, passwordLogin, maxFileBytes, newKey, stated, acceptFork);
    }

    private Map<Setting, String> with(Setting setting, String option) {
        Map<Setting, String> more = new EnumMap<>(Setting.class);
        more.putAll(stated);
        more.put(setting, Objects.requireNonNull(option, "option"));
        return more;
    }
}
