package io.vaultgate.server.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks the relative links of Markdown pages inside one repository: the file or directory must exist inside the
 * repository, a path ending in '/' must be a directory, and an #anchor into a Markdown file must be one of its
 * {@link GithubAnchors}. Anchors into other files (a source file's #L12) are not checked; external links neither.
 */
final class LinkChecker {
    private final Path root;
    private final MarkdownPages pages;
    private final Map<Path, Set<String>> anchors = new HashMap<>();
    private int checked;

    LinkChecker(Path root, MarkdownPages pages) {
        this.root = root.toAbsolutePath().normalize();
        this.pages = pages;
    }

    LinkChecker(Path root) {
        this(root, new MarkdownPages());
    }

    /** {@code files} relative to the root. */
    List<BrokenLink> check(List<Path> files) {
        List<BrokenLink> broken = new ArrayList<>();
        for (Path file : files) {
            MarkdownPage page = pages.get(root.resolve(file));
            for (MarkdownLink link : MarkdownLinks.in(page)) {
                String problem = problem(page.file(), link);
                if (problem != null) {
                    broken.add(new BrokenLink(relative(page.file()), link.line(), link.target(), problem));
                }
            }
        }
        return broken;
    }

    /** How many relative links the checks so far looked at (a sanity check that they found any). */
    int checked() {
        return checked;
    }

    private String problem(Path page, MarkdownLink link) {
        if (link.broken()) {
            checked++;
            return link.problem();
        }
        LinkTarget target;
        try {
            target = LinkTarget.parse(link.target());
        } catch (IllegalArgumentException e) {
            checked++;
            return e.getMessage();
        }
        if (target.external()) {
            return null;
        }
        checked++;
        Path file = target.resolve(root, page);
        if (!file.startsWith(root)) {
            return "outside the repository";
        }
        if (!Files.exists(file)) {
            return "no such file " + relative(file);
        }
        if (target.path().endsWith("/") && !Files.isDirectory(file)) {
            return relative(file) + " is not a directory";
        }
        String fragment = target.fragment();
        if (fragment == null || fragment.isEmpty() || !markdown(file)) {
            return null;
        }
        Set<String> known = anchors.computeIfAbsent(file, f -> GithubAnchors.of(pages.get(f)));
        if (known.contains(fragment)) {
            return null;
        }
        String lowerCase = fragment.toLowerCase(Locale.ROOT);
        return "no heading with anchor #" + fragment + " in " + relative(file)
                + (known.contains(lowerCase) ? "; GitHub's anchors are lower-case: #" + lowerCase : "");
    }

    private static boolean markdown(Path file) {
        return Files.isRegularFile(file) && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".md");
    }

    private String relative(Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
