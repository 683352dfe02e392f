package io.vaultgate.https.admin;

import static io.vaultgate.https.admin.AdminArguments.tokenLabel;
import static io.vaultgate.https.admin.AdminArguments.validKeys;

import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.https.http.Json;
import java.util.List;
import java.util.Map;

/** A site's operators and their credentials: SSH keys and API tokens. */
final class OperatorsAdminApi {

    static final List<AdminOperation> OPERATIONS = List.of(
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/sites/{site}/operators", OperatorsAdminApi::create),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/operators/{username}/ssh-keys",
                    OperatorsAdminApi::addKey),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/operators/{username}/tokens",
                    OperatorsAdminApi::issueToken));

    private OperatorsAdminApi() {
    }

    /** Every key in {@code sshKeys} is parsed before the operator is created. */
    private static AdminResult create(AdminServices admin, Map<String, String> params, JsonBody body) {
        List<String> keys = validKeys(body);
        var operator = admin.sites().createOperator(params.get("site"), body.string("username"));
        for (String key : keys) {
            admin.sites().addOperatorSshKey(operator.username(), key);
        }
        return AdminResult.created(Json.object(json -> {
            json.writeStringField("id", operator.id());
            json.writeStringField("site", operator.siteId());
            json.writeStringField("username", operator.username());
        }));
    }

    private static AdminResult addKey(AdminServices admin, Map<String, String> params, JsonBody body) {
        return AdminResult.fingerprint(admin.sites().addOperatorSshKey(params.get("username"), body.string("key")));
    }

    private static AdminResult issueToken(AdminServices admin, Map<String, String> params, JsonBody body) {
        return AdminResult.token(admin.sites().issueOperatorToken(params.get("username"), tokenLabel(body)));
    }
}
