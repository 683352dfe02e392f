package io.vaultgate.https.admin;

import static io.vaultgate.https.admin.AdminArguments.MAX_RETENTION_DAYS;
import static io.vaultgate.https.admin.AdminArguments.existingTenant;
import static io.vaultgate.https.admin.AdminArguments.nonNegative;
import static io.vaultgate.https.admin.AdminArguments.tenantId;

import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.core.admin.NewTenant;
import io.vaultgate.core.admin.TenantAdded;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.https.http.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code /v1/admin/tenants} and {@code /v1/admin/tenants/{tenant}}: list, create, show and change tenants. */
final class TenantsAdminApi {

    static final List<AdminOperation> OPERATIONS = List.of(
            new AdminOperation(HttpMethod.GET, AdminApi.PREFIX + "/tenants", TenantsAdminApi::list),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/tenants", TenantsAdminApi::create),
            new AdminOperation(HttpMethod.GET, AdminApi.PREFIX + "/tenants/{tenant}", TenantsAdminApi::show),
            new AdminOperation(HttpMethod.PATCH, AdminApi.PREFIX + "/tenants/{tenant}", TenantsAdminApi::change));

    private TenantsAdminApi() {
    }

    private static AdminResult list(AdminServices admin, Map<String, String> params, JsonBody body) {
        List<Tenant> tenants = admin.tenants().tenants();
        return AdminResult.ok(Json.object(json -> AdminJson.array(json, "tenants", tenants, AdminJson::tenant)));
    }

    /**
     * 201 with the new tenant; for a tenant an older gateway left half-created (no recorded KEK version), its
     * completion: 200, as nothing was created, with the tenant and {@code completed}, what was recorded (the audited
     * text). A completion keeps the recorded name and password login: {@code name} or {@code passwordLogin} stating
     * others is refused ({@code 409}, naming the field), changing nothing; {@code maxFileBytes} is applied.
     */
    private static AdminResult create(AdminServices admin, Map<String, String> params, JsonBody body) {
        TenantId id = tenantId(body.string("id"));
        NewTenant request = NewTenant.of(id);
        Optional<String> name = body.optionalString("name");
        if (name.isPresent()) {
            request = request.named(name.get(), "name");
        }
        Optional<Boolean> passwordLogin = body.optionalBool("passwordLogin");
        if (passwordLogin.isPresent()) {
            request = request.withPasswordLogin(passwordLogin.get(), "passwordLogin");
        }
        Optional<Long> maxFileBytes = nonNegative(body.optionalLong("maxFileBytes"), "maxFileBytes");
        if (maxFileBytes.isPresent()) {
            request = request.withMaxFileBytes(maxFileBytes.get());
        }
        TenantAdded added = admin.tenantCreation().addTenant(request);
        byte[] json = Json.object(out -> {
            AdminJson.tenant(out, added.tenant());
            if (added.completion().isPresent()) {
                out.writeStringField("completed", added.completion().get().audited());
            }
        });
        return added.created() ? AdminResult.created(json) : AdminResult.ok(json);
    }

    private static AdminResult show(AdminServices admin, Map<String, String> params, JsonBody body) {
        return tenant(existingTenant(admin, params));
    }

    /**
     * Validates every field first, so a bad request changes nothing. {@code passwordLogin} allows or refuses password
     * login ({@link io.vaultgate.core.admin.TenantSettings#setPasswordLogin}): refused, the tenant's live password
     * sessions end on every node within one session-check round.
     */
    private static AdminResult change(AdminServices admin, Map<String, String> params, JsonBody body) {
        Tenant current = existingTenant(admin, params);
        long quotaBytes = nonNegative(body.optionalLong("quotaBytes"), "quotaBytes")
                .orElse(current.quota().maxBytes());
        long quotaFiles = nonNegative(body.optionalLong("quotaFiles"), "quotaFiles")
                .orElse(current.quota().maxFiles());
        Optional<Duration> retention = nonNegative(body.optionalLong("retentionDays"), "retentionDays")
                .map(TenantsAdminApi::retention);
        Optional<List<Cidr>> sources = body.optionalStrings("allowedSources").map(TenantsAdminApi::cidrs);
        Optional<Long> maxFileBytes = nonNegative(body.optionalLong("maxFileBytes"), "maxFileBytes");
        Optional<Boolean> passwordLogin = body.optionalBool("passwordLogin");
        Tenant changed = current;
        if (quotaBytes != current.quota().maxBytes() || quotaFiles != current.quota().maxFiles()) {
            changed = admin.tenants().setQuota(current.id(), new Quota(quotaBytes, quotaFiles));
        }
        if (retention.isPresent()) {
            changed = admin.tenants().setRetention(current.id(), retention.get());
        }
        if (sources.isPresent()) {
            changed = admin.tenants().setAllowedSources(current.id(), sources.get());
        }
        if (maxFileBytes.isPresent() && maxFileBytes.get() != current.maxFileSize()) {
            changed = admin.tenants().setMaxFileSize(current.id(), maxFileBytes.get());
        }
        if (passwordLogin.isPresent()) {
            changed = admin.tenants().setPasswordLogin(current.id(), passwordLogin.get());
        }
        return tenant(changed);
    }

    /** 200 with the tenant's fields, the answer of every call that shows or changes one tenant. */
    static AdminResult tenant(Tenant tenant) {
        return AdminResult.ok(Json.object(json -> AdminJson.tenant(json, tenant)));
    }

    /** At most 100 years, as on the command line: the retention job subtracts it from now, which must stay a date. */
    private static Duration retention(long days) {
        if (days > MAX_RETENTION_DAYS) {
            throw JsonBody.invalid("field retentionDays must be at most " + MAX_RETENTION_DAYS + " (100 years)");
        }
        return Duration.ofDays(days);
    }

    private static List<Cidr> cidrs(List<String> texts) {
        try {
            return texts.stream().map(Cidr::parse).toList();
        } catch (IllegalArgumentException e) {
            throw JsonBody.invalid("field allowedSources: " + e.getMessage());
        }
    }
}
