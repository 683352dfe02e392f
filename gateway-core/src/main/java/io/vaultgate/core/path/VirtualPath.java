package io.vaultgate.core.path;

import java.util.ArrayList;
import java.util.List;

/**
 * A normalized absolute path in the virtual namespace a principal sees, such as {@code /inbox/a.csv}.
 * Instances exist only after {@link PathPolicy} accepted the input, so code holding one never needs
 * to re-check it. The root is the empty list of segments.
 */
public record VirtualPath(List<String> segments) {

    public static final VirtualPath ROOT = new VirtualPath(List.of());

    public VirtualPath {
        segments = List.copyOf(segments);
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    /** The first segment, e.g. {@code inbox}; empty for the root. */
    public String area() {
        return segments.isEmpty() ? "" : segments.get(0);
    }

    public String fileName() {
        return segments.isEmpty() ? "/" : segments.get(segments.size() - 1);
    }

    public VirtualPath parent() {
        return segments.isEmpty() ? this : new VirtualPath(segments.subList(0, segments.size() - 1));
    }

    public VirtualPath child(String segment) {
        List<String> all = new ArrayList<>(segments);
        all.add(segment);
        return new VirtualPath(all);
    }

    public boolean startsWith(VirtualPath prefix) {
        return segments.size() >= prefix.segments.size()
                && segments.subList(0, prefix.segments.size()).equals(prefix.segments);
    }

    public int depth() {
        return segments.size();
    }

    @Override
    public String toString() {
        return "/" + String.join("/", segments);
    }
}
