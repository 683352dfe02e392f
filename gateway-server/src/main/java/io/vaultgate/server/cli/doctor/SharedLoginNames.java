package io.vaultgate.server.cli.doctor;

import io.vaultgate.core.catalog.Usernames;
import java.util.List;

/**
 * Login names held by more than one of an account, an operator and an administrator. The catalog gives each name
 * once since V21, but an older catalog may hold one twice (administrators' names were long checked against other
 * administrators only, and two creations at once on PostgreSQL could both pass the check); the upgrade keeps such
 * names rather than refusing it. Such a name is ambiguous in commands, logs and audit records, and a client account
 * of that name shadows an operator's SSH login.
 */
final class SharedLoginNames implements Check {

    static final String NAME = "login-name";

    @Override
    public List<Finding> run(DoctorContext context) {
        return context.database().read(new Usernames()::shared).stream()
                .map(name -> new Finding(NAME, "name " + name, "held by more than one of an account, an operator and "
                        + "an administrator, so commands, logs and audit records cannot tell them apart",
                        "give all but one of them a new name: an administrator with `vaultgate admin add NEW-NAME` "
                                + "then `vaultgate admin remove " + name + " --reason TEXT`, an operator with "
                                + "`vaultgate operator add NEW-NAME --site SITE` then `vaultgate operator remove "
                                + name + " --reason TEXT` (docs/access-control.md)"))
                .toList();
    }
}
