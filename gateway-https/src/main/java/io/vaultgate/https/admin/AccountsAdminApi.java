package io.vaultgate.https.admin;

import static io.vaultgate.https.admin.AdminArguments.existingTenant;
import static io.vaultgate.https.admin.AdminArguments.tenantId;
import static io.vaultgate.https.admin.AdminArguments.tokenLabel;
import static io.vaultgate.https.admin.AdminArguments.validKeys;

import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.core.admin.CredentialInventory.TenantCertificates;
import io.vaultgate.core.admin.RegisteredCertificate;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.https.http.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A tenant's accounts and their credentials: SSH keys, client certificates and API tokens. */
final class AccountsAdminApi {

    static final List<AdminOperation> OPERATIONS = List.of(
            new AdminOperation(HttpMethod.GET, AdminApi.PREFIX + "/tenants/{tenant}/accounts", AccountsAdminApi::list),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/tenants/{tenant}/accounts",
                    AccountsAdminApi::create),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/accounts/{username}/ssh-keys",
                    AccountsAdminApi::addKey),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/accounts/{username}/client-certificates",
                    AccountsAdminApi::addCertificate),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/accounts/{username}/tokens",
                    AccountsAdminApi::issueToken));

    private AccountsAdminApi() {
    }

    /** Each account with its client certificates and their expiry, judged at one instant. */
    private static AdminResult list(AdminServices admin, Map<String, String> params, JsonBody body) {
        Tenant tenant = existingTenant(admin, params);
        List<Account> accounts = admin.accounts().accounts(tenant.id());
        TenantCertificates certificates = admin.credentials().inventory().clientCertificates(tenant.id());
        return AdminResult.ok(Json.object(json -> AdminJson.array(json, "accounts", accounts,
                (out, account) -> AdminJson.account(out, account, certificates))));
    }

    /** Every key in {@code sshKeys} is parsed before the account is created. */
    private static AdminResult create(AdminServices admin, Map<String, String> params, JsonBody body) {
        List<String> keys = validKeys(body);
        Account account = admin.accounts().createAccount(tenantId(params.get("tenant")), body.string("username"));
        for (String key : keys) {
            admin.credentials().addSshKey(account.username(), key);
        }
        TenantCertificates none = new TenantCertificates(account.createdAt(), Map.of());
        return AdminResult.created(Json.object(json -> AdminJson.account(json, account, none)));
    }

    private static AdminResult addKey(AdminServices admin, Map<String, String> params, JsonBody body) {
        return AdminResult.fingerprint(admin.credentials().addSshKey(params.get("username"), body.string("key")));
    }

    /**
     * 201 with the fingerprint, validity and state ({@code valid}, or {@code not-yet-valid} for one registered ahead
     * of a rollover); a certificate another account holds is {@code 409 certificate-taken}, an expired one is refused
     * (core {@code CertificateExpired}).
     */
    private static AdminResult addCertificate(AdminServices admin, Map<String, String> params, JsonBody body) {
        X509Certificate certificate = certificate(body.string("certificate"));
        RegisteredCertificate registered = admin.credentials().addClientCertificate(params.get("username"), certificate);
        return AdminResult.created(Json.object(json -> {
            json.writeStringField("fingerprint", registered.fingerprint());
            AdminJson.validity(json, Optional.of(registered.validity()), registered.state());
        }));
    }

    private static X509Certificate certificate(String pem) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | ClassCastException e) {
            throw JsonBody.invalid("field certificate: not an X.509 certificate in PEM");
        }
    }

    private static AdminResult issueToken(AdminServices admin, Map<String, String> params, JsonBody body) {
        return AdminResult.token(admin.credentials().issueAccountToken(params.get("username"), tokenLabel(body)));
    }
}
