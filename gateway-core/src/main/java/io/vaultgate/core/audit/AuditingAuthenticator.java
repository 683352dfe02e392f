package io.vaultgate.core.audit;

import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.metrics.AuthMetrics;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Function;

/**
 * Records every authentication attempt, success or failure, as one audit event, around any
 * {@link Authenticator}. Fails closed: if the event cannot be recorded, the attempt fails with the error
 * and nobody is let in unaudited. Secrets (passwords, tokens, keys) never reach the log; a token login
 * that fails is recorded with the actor {@code (token)}. A failed login to an existing account is
 * recorded under that account's tenant, so the tenant sees attacks on its accounts in its exports. The event keeps a
 * failure's true reason; the metric counts it under the reason it may show ({@link AuthResult.Failure#shown}), since
 * whoever scrapes the ops listener must not learn from a label whether a password refused by policy was right.
 */
public final class AuditingAuthenticator implements Authenticator {

    private final Authenticator delegate;
    private final AuditLog audit;
    private final Function<String, Optional<TenantId>> tenantOfUsername;
    private final Clock clock;
    private final AuthMetrics metrics;

    /**
     * @param tenantOfUsername the tenant of the account with this username, if there is one (for failures;
     *                         successes take it from the principal)
     */
    public AuditingAuthenticator(Authenticator delegate, AuditLog audit,
                                 Function<String, Optional<TenantId>> tenantOfUsername, Clock clock) {
        this(delegate, audit, tenantOfUsername, clock, CoreMetrics.inMemory(clock).auth());
    }

    /** @param metrics counts each attempt once it is audited */
    public AuditingAuthenticator(Authenticator delegate, AuditLog audit,
                                 Function<String, Optional<TenantId>> tenantOfUsername, Clock clock,
                                 AuthMetrics metrics) {
        this.delegate = delegate;
        this.audit = audit;
        this.tenantOfUsername = tenantOfUsername;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String sourceAddress) {
        return record(delegate.byPublicKey(username, fingerprint, protocol, sourceAddress), "publickey", protocol,
                sourceAddress, username);
    }

    /** A key that would do is no login: only a refusal is recorded. */
    @Override
    public AuthResult queryPublicKey(String username, String fingerprint, Protocol protocol, String sourceAddress) {
        AuthResult result = delegate.queryPublicKey(username, fingerprint, protocol, sourceAddress);
        return result instanceof AuthResult.Success ? result
                : record(result, "publickey", protocol, sourceAddress, username);
    }

    @Override
    public AuthResult byPassword(String username, char[] password, Protocol protocol, String sourceAddress) {
        return record(delegate.byPassword(username, password, protocol, sourceAddress), "password", protocol,
                sourceAddress, username);
    }

    /** A partial (a right password whose TOTP step is still to come) is no login: the TOTP step records it. */
    @Override
    public AuthResult firstFactorByPassword(String username, char[] password, Protocol protocol,
                                            String sourceAddress) {
        AuthResult result = delegate.firstFactorByPassword(username, password, protocol, sourceAddress);
        return result instanceof AuthResult.Partial ? result
                : record(result, "password", protocol, sourceAddress, username);
    }

    /** Recorded as a refused key is ({@code publickey}). */
    @Override
    public AuthResult refusedSignature(String username, Protocol protocol, String sourceAddress) {
        return record(delegate.refusedSignature(username, protocol, sourceAddress), "publickey", protocol,
                sourceAddress, username);
    }

    @Override
    public AuthResult byToken(String token, Protocol protocol, String sourceAddress) {
        return record(delegate.byToken(token, protocol, sourceAddress), "token", protocol, sourceAddress, "(token)");
    }

    @Override
    public AuthResult byOpsToken(String token, String sourceAddress) {
        return record(delegate.byOpsToken(token, sourceAddress), "token", Protocol.HTTPS, sourceAddress, "(token)");
    }

    @Override
    public AuthResult byCertificate(String sha256Fingerprint, Protocol protocol, String sourceAddress) {
        return record(delegate.byCertificate(sha256Fingerprint, protocol, sourceAddress), "certificate", protocol,
                sourceAddress, "(certificate)");
    }

    /** Only a refusal is recorded: the header credential's success was recorded when it was checked. */
    @Override
    public AuthResult certificateBound(AuthResult.Success login, String sha256Fingerprint, Protocol protocol,
                                       String sourceAddress) {
        AuthResult result = delegate.certificateBound(login, sha256Fingerprint, protocol, sourceAddress);
        return result instanceof AuthResult.Success ? result
                : record(result, "certificate", protocol, sourceAddress, login.principal().name());
    }

    @Override
    public AuthResult byTotp(io.vaultgate.core.auth.Principal principal, String code, Protocol protocol,
                             String sourceAddress) {
        return record(delegate.byTotp(principal, code, protocol, sourceAddress), "totp", protocol, sourceAddress,
                principal.name());
    }

    /**
     * Recorded as {@code auth.undelivered}, after the success's {@code auth.succeeded}: stamped now, appended when the
     * returned write runs (after the delegate's).
     */
    @Override
    public Runnable undelivered(io.vaultgate.core.auth.Principal principal, String method, Protocol protocol,
                                String sourceAddress) {
        Runnable inner = delegate.undelivered(principal, method, protocol, sourceAddress);
        String from = sourceAddress == null || sourceAddress.isBlank() ? "unknown" : sourceAddress;
        AuditEvent event = AuditEvents.undelivered(principal, protocol, method, from, clock.instant());
        return () -> {
            inner.run();
            audit.append(event);
        };
    }

    @Override
    public AuthResult byTokenAndTotp(String token, String code, Protocol protocol, String sourceAddress) {
        return record(delegate.byTokenAndTotp(token, code, protocol, sourceAddress), "token+totp", protocol,
                sourceAddress, "(token)");
    }

    @Override
    public io.vaultgate.core.auth.AccessControl access() {
        return delegate.access();
    }

    private AuthResult record(AuthResult result, String method, Protocol protocol, String source, String tried) {
        String from = source == null || source.isBlank() ? "unknown" : source;
        if (result instanceof AuthResult.Success success) {
            audit.append(AuditEvents.authenticated(success.principal(), protocol, method, from, clock.instant()));
            metrics.succeeded(protocol, method);
        } else if (result instanceof AuthResult.Failure failure) {
            boolean named = failure.username() != null && !failure.username().isBlank();
            String username = named ? failure.username() : tried == null || tried.isBlank() ? "(none)" : tried;
            Optional<TenantId> tenant = named && failure.reason() != io.vaultgate.core.auth.AuthFailure.UNKNOWN_USER
                    ? tenantOfUsername.apply(username) : Optional.empty();
            audit.append(new AuditEvent.AuthFailed(clock.instant(), tenant, username, protocol, from, failure.reason()));
            metrics.failed(protocol, failure.shown());
        }
        return result;
    }
}
