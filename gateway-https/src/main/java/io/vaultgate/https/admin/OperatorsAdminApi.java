package io.vaultgate.https.admin;

import static io.vaultgate.https.admin.AdminArguments.tokenLabel;
import static io.vaultgate.https.admin.AdminArguments.validKeys;

import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.admin.Offboarding;
import io.vaultgate.core.catalog.OperatorRepository.OperatorRow;
import io.vaultgate.https.http.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A site's operators and their credentials (SSH keys and API tokens), and their removal (offboarding). */
final class OperatorsAdminApi {

    static final List<AdminOperation> OPERATIONS = List.of(
            new AdminOperation(HttpMethod.GET, AdminApi.PREFIX + "/sites/{site}/operators", OperatorsAdminApi::list),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/sites/{site}/operators", OperatorsAdminApi::create),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/operators/{username}/ssh-keys",
                    OperatorsAdminApi::addKey),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/operators/{username}/tokens",
                    OperatorsAdminApi::issueToken),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/operators/{username}/remove",
                    OperatorsAdminApi::remove));

    private OperatorsAdminApi() {
    }

    private static AdminResult list(AdminServices admin, Map<String, String> params, JsonBody body) {
        String site = params.get("site");
        if (!admin.sites().siteExists(site)) {
            throw new GatewayException(GatewayException.Reason.NOT_FOUND, "site " + site + " does not exist");
        }
        List<OperatorRow> operators = admin.offboarding().operators(Optional.of(site));
        return AdminResult.ok(Json.object(json -> AdminJson.array(json, "operators", operators, (out, operator) -> {
            out.writeStringField("username", operator.username());
            out.writeStringField("site", operator.siteId());
        })));
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

    /** Offboards the operator ({@code reason} required): credentials, sessions, held batches; see docs/access-control.md. */
    private static AdminResult remove(AdminServices admin, Map<String, String> params, JsonBody body) {
        Offboarding.RemovedOperator removed = admin.offboarding().removeOperator(params.get("username"),
                body.string("reason"), admin.actor());
        return AdminResult.ok(Json.object(json -> {
            json.writeStringField("username", removed.username());
            json.writeStringField("site", removed.siteId());
            json.writeNumberField("credentialsRevoked", removed.credentialsRevoked());
            json.writeArrayFieldStart("batchesReleased");
            for (String batch : removed.batchesReleased()) {
                json.writeString(batch);
            }
            json.writeEndArray();
            json.writeNumberField("sessionsEnded", removed.sessionsEnded());
        }));
    }
}
