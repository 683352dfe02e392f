package io.vaultgate.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL a {@code DROP INDEX} locks its table against reads until the migration commits, and Flyway runs a
 * migration in one transaction: a migration that drops an index and then builds one keeps every node from reading
 * the table for the whole build, on a rolling upgrade too. So a migration drops indexes last, except where its table
 * is small enough for the build to take no time.
 */
class MigrationIndexOrderTest {

    /** Migrations allowed to build after a drop, and why. */
    private static final Map<String, String> SMALL_TABLES = Map.of(
            "V25__unique_client_certificates.sql", "account_certificates: one row per registered certificate");

    @Test
    void noMigrationBuildsAnythingAfterDroppingAnIndex_butOnSmallTables() throws IOException, URISyntaxException {
        List<String> offenders = new ArrayList<>();
        for (Path migration : migrations()) {
            List<String> statements = statements(Files.readString(migration, StandardCharsets.UTF_8));
            int firstDrop = indexOfFirstDrop(statements);
            boolean onlyDropsFollow = statements.subList(firstDrop, statements.size()).stream()
                    .allMatch(statement -> statement.startsWith("drop index"));
            String name = migration.getFileName().toString();
            if (!onlyDropsFollow && !SMALL_TABLES.containsKey(name)) {
                offenders.add(name);
            }
        }
        assertThat(offenders).as("migrations that build or change something after a DROP INDEX").isEmpty();
    }

    private static int indexOfFirstDrop(List<String> statements) {
        for (int i = 0; i < statements.size(); i++) {
            if (statements.get(i).startsWith("drop index")) {
                return i;
            }
        }
        return statements.size();
    }

    private static List<Path> migrations() throws IOException, URISyntaxException {
        Path dir = Path.of(EditedMigrations.class.getResource("/db/migration").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".sql")).sorted().toList();
        }
    }

    /** The statements of a script, lower case, without comments (none of ours has a ';' inside a literal). */
    private static List<String> statements(String script) {
        StringBuilder code = new StringBuilder();
        for (String line : script.split("\n")) {
            int comment = line.indexOf("--");
            code.append(comment < 0 ? line : line.substring(0, comment)).append('\n');
        }
        List<String> statements = new ArrayList<>();
        for (String statement : code.toString().split(";")) {
            String normalised = statement.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
            if (!normalised.isEmpty()) {
                statements.add(normalised);
            }
        }
        return statements;
    }
}
