package io.vaultgate.server.cli.doctor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The file systems of the object store and of the data directory (catalog, keys) must not be nearly full. */
final class DiskSpaceCheck implements Check {

    static final String NAME = "disk-space";

    @Override
    public List<Finding> run(DoctorContext context) throws Exception {
        List<Finding> findings = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Path path : List.of(context.config().storageRoot(), context.config().home())) {
            DiskSpace.Usage usage = context.disk().of(path);
            if (!seen.add(usage.fileSystem()) || usage.total() <= 0) {
                continue;
            }
            long freePercent = 100 * usage.usable() / usage.total();
            if (freePercent < context.minFreePercent()) {
                findings.add(new Finding(NAME, context.show(path), "the file system is nearly full: " + freePercent
                        + "% free (" + usage.usable() / (1024 * 1024) + " MiB), below " + context.minFreePercent() + "%",
                        "free space or grow the file system before uploads fail"));
            }
        }
        return findings;
    }
}
