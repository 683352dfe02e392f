package io.vaultgate.server.cli.doctor;

import java.util.List;

/** One audit of configuration or state; returns its findings (none when all is well). */
@FunctionalInterface
public interface Check {

    List<Finding> run(DoctorContext context) throws Exception;
}
