package io.vaultgate.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vaultgate version}: the product version and the Java runtime it runs on. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the version of Vaultgate and of the Java runtime.")
public final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        for (String line : new Provider().getVersion()) {
            spec.commandLine().getOut().println(line);
        }
        return 0;
    }

    /** The version lines shared by {@code version} and {@code --version}. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = VersionCommand.class.getPackage().getImplementationVersion();
            return new String[] {
                "vaultgate " + (version == null ? "development build" : version),
                "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
