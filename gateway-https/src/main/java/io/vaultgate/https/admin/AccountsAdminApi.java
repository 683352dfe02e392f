package io.vaultgate.https.admin;

import static io.vaultgate.https.admin.AdminArguments.existingTenant;
import static io.vaultgate.https.admin.AdminArguments.tenantId;
import static io.vaultgate.https.admin.AdminArguments.tokenLabel;
import static io.vaultgate.https.admin.AdminArguments.validKeys;

import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.https.http.Json;
import java.util.List;
import java.util.Map;

/** A tenant's accounts and their credentials: SSH keys and API tokens. */
final class AccountsAdminApi {

    static final List<AdminOperation> OPERATIONS = List.of(
            new AdminOperation(HttpMethod.GET, AdminApi.PREFIX + "/tenants/{tenant}/accounts", AccountsAdminApi::list),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/tenants/{tenant}/accounts",
                    AccountsAdminApi::create),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/accounts/{username}/ssh-keys",
                    AccountsAdminApi::addKey),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/accounts/{username}/tokens",
                    AccountsAdminApi::issueToken));

    private AccountsAdminApi() {
    }

    private static AdminResult list(AdminServices admin, Map<String, String> params, JsonBody body) {
        Tenant tenant = existingTenant(admin, params);
        List<Account> accounts = admin.tenants().accounts(tenant.id());
        return AdminResult.ok(Json.object(json -> AdminJson.array(json, "accounts", accounts, AdminJson::account)));
    }

    /** Every key in {@code sshKeys} is parsed before the account is created. */
    private static AdminResult create(AdminServices admin, Map<String, String> params, JsonBody body) {
        List<String> keys = validKeys(body);
        Account account = admin.tenants().createAccount(tenantId(params.get("tenant")), body.string("username"));
        for (String key : keys) {
            admin.tenants().addSshKey(account.username(), key);
        }
        return AdminResult.created(Json.object(json -> AdminJson.account(json, account)));
    }

    private static AdminResult addKey(AdminServices admin, Map<String, String> params, JsonBody body) {
        return AdminResult.fingerprint(admin.tenants().addSshKey(params.get("username"), body.string("key")));
    }

    private static AdminResult issueToken(AdminServices admin, Map<String, String> params, JsonBody body) {
        return AdminResult.token(admin.tenants().issueAccountToken(params.get("username"), tokenLabel(body)));
    }
}
