package io.vaultgate.https.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.SshPublicKey;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The checks the admin resources share on path segments and body fields. Each failure is a 400 that names
 * the field (or a 404 for a tenant that does not exist), raised before anything is changed.
 */
final class AdminArguments {

    /** 100 years, the longest retention or idle period: the core adds it to or subtracts it from dates. */
    static final long MAX_RETENTION_DAYS = 36_500;

    private AdminArguments() {
    }

    /** The tenant named by the {@code {tenant}} path segment, which must exist. */
    static Tenant existingTenant(AdminServices admin, Map<String, String> params) {
        TenantId id = tenantId(params.get("tenant"));
        return admin.tenants().tenant(id)
                .orElseThrow(() -> new GatewayException(GatewayException.Reason.NOT_FOUND,
                        "tenant " + id + " does not exist"));
    }

    static TenantId tenantId(String text) {
        try {
            return TenantId.of(text);
        } catch (IllegalArgumentException e) {
            throw JsonBody.invalid(e.getMessage());
        }
    }

    static Optional<Long> nonNegative(Optional<Long> value, String name) {
        if (value.isPresent() && value.get() < 0) {
            throw JsonBody.invalid("field " + name + " must be >= 0");
        }
        return value;
    }

    /** The {@code sshKeys} field, every line parsed before anything is created. */
    static List<String> validKeys(JsonBody body) {
        List<String> keys = body.optionalStrings("sshKeys").orElse(List.of());
        for (String key : keys) {
            try {
                SshPublicKey.parse(key);
            } catch (IllegalArgumentException e) {
                throw JsonBody.invalid("field sshKeys: " + e.getMessage());
            }
        }
        return keys;
    }

    /** The optional {@code label} of a new API token. */
    static String tokenLabel(JsonBody body) {
        return body.optionalString("label").orElse("admin-api");
    }
}
