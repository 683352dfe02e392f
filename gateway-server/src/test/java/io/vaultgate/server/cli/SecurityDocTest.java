package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/security.md maps controls to test classes: every class it names must exist, so the mapping cannot rot. */
class SecurityDocTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern TEST_CLASS = Pattern.compile("`([A-Z][A-Za-z0-9]+(?:Test|IT))`");

    @Test
    void everyTestClassNamedInTheComplianceMapping_exists() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/security.md"));
        Set<String> named = names(doc);
        Set<String> accessControl = new TreeSet<>(names(doc.substring(doc.indexOf("(defender's tests:"),
                doc.indexOf(")", doc.indexOf("(defender's tests:")))));
        if (Files.exists(ROOT.resolve("docs/access-control.md"))) {
            accessControl.addAll(names(Files.readString(ROOT.resolve("docs/access-control.md"))));
        }
        Set<String> existing;
        try (Stream<Path> files = Files.walk(ROOT, 12)) {
            existing = files.filter(file -> file.toString().contains("/src/test/java/"))
                    .map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".java"))
                    .map(name -> name.substring(0, name.length() - 5)).collect(Collectors.toSet());
        }
        named.removeAll(accessControl); // the defender's tests, checked with their own document
        assertThat(named).hasSizeGreaterThan(40);
        assertThat(existing).containsAll(named);
    }

    private static Set<String> names(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = TEST_CLASS.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
