package io.vaultgate.core.auth;

/** Who is acting. Every core operation takes one and checks it; front-ends never check paths themselves. */
public sealed interface Principal permits ClientPrincipal, OperatorPrincipal, AdminPrincipal, MonitorPrincipal {

    /** The login name, for audit and logs. */
    String name();
}
