package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.tenant.Tenant;
import java.util.ArrayList;
import java.util.List;

/**
 * The cause inside the {@link GatewayException} ({@code CONFLICT}) that refuses {@code tenant add} (or {@code POST
 * /v1/admin/tenants}) of a tenant an older gateway left half-created, whose completion would keep a setting the
 * administrator stated otherwise: its name or its password login, which a completion keeps as first recorded
 * (review22c L5: they were ignored without a word, while {@code --max-file-size} was applied). A password login stated
 * otherwise stays refused here, so a completion never changes who may log in; {@link TenantSettings#setPasswordLogin}
 * changes it afterwards, audited as the change it is. Names each option
 * as the administrator wrote it and the value recorded. Nothing was changed. Carries no stack trace: it is a
 * decision, not a failure.
 */
public final class TenantSettingsRecorded extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> options;

    private TenantSettingsRecorded(String tenant, List<String> options, List<String> differences) {
        super("tenant " + tenant + " exists without a recorded KEK version, so this completes its creation, which "
                + "keeps the name and password login first recorded: " + String.join("; ", differences)
                + ". Nothing was changed; run it again without " + String.join(" and ", options)
                + " to complete the tenant as recorded (its password login can be changed afterwards: vaultgate "
                + "tenant set " + tenant + " --allow-password or --refuse-password)", null, false, false);
        this.options = List.copyOf(options);
    }

    /**
     * The refusal of completing {@code recorded} as {@code asked} states, where it states a name or password login
     * other than the recorded one; empty where it states none or the recorded ones.
     */
    static java.util.Optional<TenantSettingsRecorded> of(Tenant recorded, NewTenant asked) {
        List<String> options = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        String name = asked.stated().get(NewTenant.Setting.NAME);
        if (name != null && !asked.name().equals(recorded.name())) {
            options.add(name);
            differences.add(name + " \"" + asked.name() + "\" is not its recorded name \"" + recorded.name() + "\"");
        }
        String passwords = asked.stated().get(NewTenant.Setting.PASSWORD_LOGIN);
        if (passwords != null && asked.passwordLogin() != recorded.passwordLoginAllowed()) {
            options.add(passwords);
            differences.add(passwords + " asks password login " + allowed(asked.passwordLogin()) + ", recorded "
                    + allowed(recorded.passwordLoginAllowed()));
        }
        return options.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(new TenantSettingsRecorded(recorded.id().value(), options, differences));
    }

    private static String allowed(boolean allowed) {
        return allowed ? "allowed" : "refused";
    }

    /** The options refused, as the administrator wrote them ({@code --name}, {@code passwordLogin}). */
    public List<String> options() {
        return options;
    }

    GatewayException toAdministrator() {
        return new GatewayException(Reason.CONFLICT, getMessage(), getMessage(), this);
    }
}
