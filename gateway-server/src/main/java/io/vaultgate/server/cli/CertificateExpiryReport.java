package io.vaultgate.server.cli;

import io.vaultgate.core.admin.ExpiringClientCertificates;
import io.vaultgate.core.admin.ExpiringClientCertificates.Held;
import io.vaultgate.core.tenant.TenantId;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Prints, for {@code vaultgate account list --certificates-expiring DURATION}, the client certificates to replace: one
 * line each (tenant/account, fingerprint, subject, expiry), expired and soonest first, then those whose expiry the
 * catalog does not know, and the commands that replace and revoke one.
 */
final class CertificateExpiryReport {

    private final ExpiringClientCertificates certificates;
    private final Instant now;

    CertificateExpiryReport(ExpiringClientCertificates certificates, Instant now) {
        this.certificates = certificates;
        this.now = now;
    }

    /** @param shown the duration as the administrator wrote it, for the heading */
    void print(String shown, Duration within, Optional<TenantId> tenant, PrintWriter out) {
        String of = tenant.map(id -> "of tenant " + id).orElse("of every tenant");
        List<Held> ending = certificates.endingBefore(now.plus(within), tenant);
        out.println("Client certificates expiring within " + shown + " or expired, " + of + ": " + ending.size());
        ending.forEach(held -> line(held, out));
        List<Held> unknown = certificates.ofUnknownValidity(tenant);
        if (!unknown.isEmpty()) {
            out.println("Client certificates whose expiry is unknown (registered before the gateway recorded it), "
                    + of + ": " + unknown.size());
            unknown.forEach(held -> line(held, out));
            out.println("  (`vaultgate account add-cert USER --client-cert PEM` with the same certificate records "
                    + "its expiry)");
        }
        if (!ending.isEmpty()) {
            out.println("  (replace one: `vaultgate account add-cert USER --client-cert NEW.pem`, then `vaultgate "
                    + "account revoke USER --certificate SHA256 --reason TEXT`)");
        }
    }

    private void line(Held held, PrintWriter out) {
        out.println("  " + held.tenant() + "/" + held.username() + "  " + held.certificate().fingerprint() + "  "
                + held.certificate().subject() + "  " + CredentialReport.expiry(held.certificate(), now));
    }
}
