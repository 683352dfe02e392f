package io.vaultgate.core.testing;

import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A refusal of a tenant's policy that refuses an account's password login whatever the password: how to impose it on
 * a test's core, and how to lift it again, for the logins of one {@link Target}.
 */
public enum TenantPolicyRefusal {

    TENANT_LOCKED(AuthFailure.TENANT_LOCKED) {
        @Override
        public void impose(TestCore test, Target target) {
            test.core().administration().lock(target.tenant());
        }

        @Override
        public void lift(TestCore test, Target target) {
            test.core().administration().unlock(target.tenant());
        }
    },
    ACCOUNT_EXPIRED(AuthFailure.ACCOUNT_EXPIRED) {
        @Override
        public void impose(TestCore test, Target target) {
            test.core().incidents().expiry().set(target.account(), Optional.of(Instant.parse("2020-01-01T00:00:00Z")),
                    "cli:test");
        }

        @Override
        public void lift(TestCore test, Target target) {
            test.core().incidents().expiry().set(target.account(), Optional.empty(), "cli:test");
        }
    },
    /** The tenant allows every protocol but the target's. */
    PROTOCOL_NOT_ALLOWED(AuthFailure.PROTOCOL_NOT_ALLOWED) {
        @Override
        public void impose(TestCore test, Target target) {
            Set<Protocol> others = EnumSet.complementOf(EnumSet.of(target.protocol()));
            change(test, target, tenant -> withProtocols(tenant, others));
        }

        @Override
        public void lift(TestCore test, Target target) {
            change(test, target, tenant -> withProtocols(tenant, EnumSet.allOf(Protocol.class)));
        }
    },
    PASSWORDS_NOT_ALLOWED(AuthFailure.METHOD_NOT_ALLOWED) {
        @Override
        public void impose(TestCore test, Target target) {
            change(test, target, tenant -> tenant.withPasswordLogin(false));
        }

        @Override
        public void lift(TestCore test, Target target) {
            change(test, target, tenant -> tenant.withPasswordLogin(true));
        }
    },
    /** The tenant allows 198.51.100.0/24 only, which the target's network must not overlap. */
    SOURCE_NOT_IN_ALLOWLIST(AuthFailure.SOURCE_NOT_ALLOWED) {
        @Override
        public void impose(TestCore test, Target target) {
            test.core().administration().setAllowedSources(target.tenant(), List.of(Cidr.parse("198.51.100.0/24")));
        }

        @Override
        public void lift(TestCore test, Target target) {
            test.core().administration().setAllowedSources(target.tenant(), List.of());
        }
    },
    SOURCE_DENIED(AuthFailure.SOURCE_NOT_ALLOWED) {
        @Override
        public void impose(TestCore test, Target target) {
            test.core().incidents().deniedSources().replace(target.tenant(), List.of(target.from()), "cli:test");
        }

        @Override
        public void lift(TestCore test, Target target) {
            test.core().incidents().deniedSources().replace(target.tenant(), List.of(), "cli:test");
        }
    };

    /**
     * Whose logins the refusal is for: an account of a tenant that allows passwords, logging in over {@code protocol}
     * from addresses in {@code from}.
     */
    public record Target(TenantId tenant, String account, Protocol protocol, Cidr from) {
    }

    private final AuthFailure reason;

    TenantPolicyRefusal(AuthFailure reason) {
        this.reason = reason;
    }

    /** The reason the core gives a right password refused by this policy (and shows for a wrong one too). */
    public AuthFailure reason() {
        return reason;
    }

    public abstract void impose(TestCore test, Target target);

    public abstract void lift(TestCore test, Target target);

    private static void change(TestCore test, Target target, UnaryOperator<Tenant> change) {
        TenantRepository tenants = new TenantRepository();
        test.database().inTransaction(jdbc -> {
            tenants.update(jdbc, change.apply(tenants.find(jdbc, target.tenant()).orElseThrow()));
            return null;
        });
    }

    private static Tenant withProtocols(Tenant tenant, Set<Protocol> protocols) {
        return new Tenant(tenant.id(), tenant.name(), tenant.status(), tenant.quota(), tenant.retention(), protocols,
                tenant.passwordLoginAllowed(), tenant.allowedSources(), tenant.createdAt(), tenant.maxFileSize());
    }
}
