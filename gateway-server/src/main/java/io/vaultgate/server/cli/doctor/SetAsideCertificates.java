package io.vaultgate.server.cli.doctor;

import java.util.List;

/**
 * Client certificates the V25 upgrade set aside: an older catalog held each for more than one account, so every
 * mutual-TLS login with it failed, and the upgrade kept none of its registrations ({@code
 * account_certificate_conflicts}). Until an administrator registers the certificate again to the one account it
 * belongs to, which clears its rows, a client that still presents it is refused. A shredded tenant's accounts are not
 * reported: they take no certificate any more, and the shred's purge clears their rows (a shred cut off before its
 * purge is the {@code tenant-shred} finding, whose fix runs it again).
 */
final class SetAsideCertificates implements Check {

    static final String NAME = "client-certificate";

    @Override
    public List<Finding> run(DoctorContext context) {
        return context.database().read(jdbc -> jdbc.query("SELECT a.tenant_id, a.username, c.fingerprint, c.subject "
                + "FROM account_certificate_conflicts c JOIN accounts a ON a.id = c.account_id "
                + "JOIN tenants t ON t.id = a.tenant_id WHERE t.status <> 'SHREDDED' "
                + "ORDER BY c.fingerprint, a.tenant_id, a.username", row -> new Finding(NAME,
                "account " + row.getString(1) + "/" + row.getString(2) + " certificate " + row.getString(3),
                "set aside by the upgrade to V25: this certificate (" + row.getString(4) + ") was registered to "
                        + "more than one account, so no mutual-TLS login with it is accepted",
                "register it again to the one account it belongs to: `vaultgate account add-cert USER "
                        + "--client-cert FILE`, which clears the certificate's other registrations "
                        + "(docs/access-control.md, \"Client certificates: one account each\")")));
    }
}
