package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.admin.ExpiringClientCertificates;
import io.vaultgate.core.admin.ExpiringClientCertificates.Held;
import io.vaultgate.core.pki.Validity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Accounts' client certificates (mutual TLS) that expire within {@link Validity#SOON} or have
 * expired and are still registered: once a certificate has expired the TLS handshake refuses it, so its account can no
 * longer log in with it. A certificate whose expiry the catalog does not know (registered before V34) is not a
 * finding: {@code vaultgate account list --certificates-expiring 30d} lists those. Shredded tenants' accounts are left
 * out.
 */
final class ClientCertificateExpiry implements Check {

    static final String NAME = "client-certificate-expiry";

    @Override
    public List<Finding> run(DoctorContext context) {
        Instant now = context.clock().instant();
        return new ExpiringClientCertificates(context.database())
                .endingBefore(now.plus(Validity.SOON), Optional.empty()).stream()
                .map(held -> finding(held, now)).toList();
    }

    private static Finding finding(Held held, Instant now) {
        Instant notAfter = held.certificate().validity().orElseThrow().notAfter();
        String user = held.username();
        String replace = "issue or obtain a new certificate and register it: `vaultgate account add-cert " + user
                + " --client-cert NEW.pem`, then revoke this one: `vaultgate account revoke " + user + " --certificate "
                + held.certificate().fingerprint() + " --reason TEXT`";
        return held.certificate().expiredAt(now)
                ? new Finding(NAME, subject(held), "expired on " + notAfter + ": no mutual-TLS login with it is "
                        + "accepted", replace)
                : new Finding(NAME, subject(held), "expires on " + notAfter + ", within "
                        + Validity.SOON.toDays() + " days; then no mutual-TLS login with it is "
                        + "accepted", replace);
    }

    private static String subject(Held held) {
        return "account " + held.tenant() + "/" + held.username() + " certificate " + held.certificate().fingerprint()
                + " (" + held.certificate().subject() + ")";
    }
}
