package io.vaultgate.https;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpResponse;
import io.vaultgate.https.http.ErrorResponses;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.ProblemType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The problem types cannot drift from their documentation: {@link ProblemType} is every type the API can answer
 * ({@code HttpProblem} takes one, {@code ErrorResponses} maps core reasons to one), and each must be in
 * docs/https.md's table and the OpenAPI document's {@code Problem} schema with its status, while neither may
 * name a type the code cannot produce.
 */
class ProblemTypesDocumentedTest {

    private static final Path DOCS = Path.of("..", "docs");
    private static final Path HTTPS_MD = DOCS.resolve("https.md");
    private static final Path MAIN_SOURCES = Path.of("src", "main", "java");
    /** A row of docs/https.md's table: {@code | `offset-mismatch` | 409 | meaning |}. */
    private static final Pattern TABLE_ROW = Pattern.compile("^\\| `([a-z0-9-]+)` \\| (\\d{3}) \\|", Pattern.MULTILINE);
    /** A line of the OpenAPI {@code Problem.type} description: {@code - `urn:vaultgate:problem:x` (409): ...}. */
    private static final Pattern OPENAPI_ITEM = Pattern.compile(
            "^ +- `urn:vaultgate:problem:([a-z0-9-]+)` \\((\\d{3})\\):", Pattern.MULTILINE);
    private static final Pattern ANY_URN = Pattern.compile("urn:vaultgate:problem:([a-z0-9-]+)");

    @Test
    void everyType_isInTheHttpsDocsTable_withItsStatus_andTheTableNamesNoOther() throws IOException {
        String section = section(Files.readString(HTTPS_MD), "## Status codes and errors");

        assertThat(pairs(TABLE_ROW, section)).as("rows of the table in docs/https.md, Status codes and errors")
                .containsExactlyInAnyOrderElementsOf(expected());
    }

    @Test
    void everyType_isInTheOpenApiProblemSchema_withItsStatus_andTheSchemaNamesNoOther() throws IOException {
        String schema = section(openApi(), "    Problem:\n      type: object");

        assertThat(pairs(OPENAPI_ITEM, schema)).as("types listed in the OpenAPI Problem schema")
                .containsExactlyInAnyOrderElementsOf(expected());
    }

    @Test
    void everyProblemUrn_namedInTheDocsOrTheOpenApiDocument_isOneTheCodeProduces() throws IOException {
        Set<String> slugs = Arrays.stream(ProblemType.values()).map(ProblemType::slug).collect(Collectors.toSet());
        List<Path> documents;
        try (Stream<Path> files = Files.list(DOCS)) {
            documents = files.filter(file -> file.toString().endsWith(".md")).sorted().toList();
        }
        for (Path document : documents) {
            assertThat(urns(Files.readString(document))).as("problem types named in %s", document).isSubsetOf(slugs);
        }
        assertThat(urns(openApi())).as("problem types named in openapi.yaml").isSubsetOf(slugs);
    }

    @ParameterizedTest
    @EnumSource(ProblemType.class)
    void aProblemOfEachType_isAnsweredWithItsUrnAndStatus(ProblemType type) {
        FullHttpResponse response = ErrorResponses.of(new HttpProblem(type, "a detail"));
        try {
            assertThat(response.status().code()).isEqualTo(type.status().code());
            assertThat(response.content().toString(StandardCharsets.UTF_8))
                    .startsWith("{\"type\":\"urn:vaultgate:problem:" + type.slug() + "\",")
                    .contains("\"status\":" + type.status().code() + ",");
        } finally {
            response.release();
        }
    }

    /** So that the list above is complete: no main source outside these two writes a problem type of its own. */
    @Test
    void onlyErrorResponsesAndProblemType_spellProblemUrns() throws IOException {
        List<String> spelling = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN_SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String name = file.getFileName().toString();
                String text = Files.readString(file);
                if (!name.equals("ProblemType.java") && !name.equals("ErrorResponses.java")
                        && (text.contains("urn:vaultgate:problem") || text.contains("problem+json"))) {
                    spelling.add(file.toString());
                }
            }
        }
        assertThat(spelling).isEmpty();
    }

    private static List<String> expected() {
        return Arrays.stream(ProblemType.values()).map(type -> type.slug() + " " + type.status().code()).toList();
    }

    private static List<String> pairs(Pattern pattern, String text) {
        List<String> pairs = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            pairs.add(matcher.group(1) + " " + matcher.group(2));
        }
        return pairs;
    }

    private static Set<String> urns(String text) {
        Set<String> found = new TreeSet<>();
        Matcher matcher = ANY_URN.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }

    /**
     * From {@code heading} to the next heading of its level (Markdown, {@code ## }) or the next line indented no
     * deeper than it (YAML).
     */
    private static String section(String text, String heading) {
        int start = text.indexOf(heading);
        assertThat(start).as("'%s' is in the document", heading).isNotNegative();
        boolean markdown = heading.startsWith("#");
        int indent = indent(heading);
        String[] lines = text.substring(start).split("\n", -1);
        StringBuilder section = new StringBuilder(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (markdown ? line.startsWith("## ") || line.startsWith("# ") : !line.isBlank() && indent(line) <= indent) {
                break;
            }
            section.append(line).append('\n');
        }
        return section.toString();
    }

    private static int indent(String line) {
        return line.length() - line.stripLeading().length();
    }

    private static String openApi() throws IOException {
        try (InputStream in = OpenApi.class.getResourceAsStream(OpenApi.RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
