package io.vaultgate.core.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The line the gateway logs for every checkpoint it signs, and the reading of a file of such lines back as anchors
 * ({@code vaultgate audit verify --anchors-from}, docs/audit-anchors.md):
 * <pre>audit checkpoint seq=N hash=H signed_at=T key=K anchor=N:H signature=S</pre>
 * {@code S} is the checkpoint's own signature (standard base64, {@link Checkpoint}), so a line can be checked with the
 * audit public key alone. A log also holds text clients chose (login names, paths), which can spell out a line like
 * this one; only the signature tells the gateway's lines from those, and {@link #read} accepts no other.
 */
public final class CheckpointLine {

    static final String START = "audit checkpoint ";

    private static final Pattern LINE = Pattern.compile("audit checkpoint seq=(\\d{1,18}) hash=(\\S*) signed_at=(\\S*)"
            + " key=(\\S*) anchor=(\\S*)(?: signature=(\\S*))?");
    private static final Pattern BARE = Pattern.compile("(?:anchor: )?(\\d{1,18}:[0-9a-f]{64})");

    private CheckpointLine() {
    }

    /** The line logged for {@code checkpoint}. */
    public static String of(Checkpoint checkpoint) {
        return START + "seq=" + checkpoint.seq() + " hash=" + checkpoint.hash() + " signed_at=" + checkpoint.signedAt()
                + " key=" + checkpoint.keyId() + " anchor=" + ChainAnchor.of(checkpoint) + " signature="
                + checkpoint.signature();
    }

    /**
     * Reads anchors from the lines of a file: every checkpoint line in them whose signature verifies with
     * {@code key}, and every line that is nothing but {@code SEQ:HASH} or {@code anchor: SEQ:HASH} (a list the operator
     * keeps, such as the outputs of {@code vaultgate audit head}: trusted as given, like {@code --anchor}). Every other line that mentions
     * {@code audit checkpoint} or {@code anchor} is skipped and counted, with the reason (a look-alike, an unsigned line
     * of an older version); the rest (blank lines, {@code #} comments, the log's other lines) is ignored.
     */
    public static Anchors read(List<String> lines, AuditPublicKey key) {
        Objects.requireNonNull(key, "key");
        List<ChainAnchor> anchors = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        int number = 0;
        for (String line : lines) {
            number++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            Matcher bare = BARE.matcher(text);
            if (bare.matches()) {
                anchors.add(ChainAnchor.parse(bare.group(1)));
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                if (line.contains("audit checkpoint") || line.contains("anchor")) {
                    skipped.add("line " + number + ": not a checkpoint line or SEQ:HASH");
                } // else a line of the log that claims nothing: the whole log may be given
                continue;
            }
            String why = null;
            boolean accepted = false;
            do { // client text may stand before the gateway's own message: every match that verifies counts
                String problem = verified(m, key, anchors);
                accepted |= problem == null;
                why = why == null ? problem : why;
            } while (m.find());
            if (!accepted) {
                skipped.add("line " + number + ": " + why);
            }
        }
        return new Anchors(List.copyOf(anchors), List.copyOf(skipped));
    }

    /** Adds the anchor of the match if its checkpoint verifies with {@code key}; otherwise says why not. */
    private static String verified(Matcher m, AuditPublicKey key, List<ChainAnchor> anchors) {
        if (m.group(6) == null) {
            return "no signature (a line logged before checkpoint lines were signed, or not the gateway's)";
        }
        Checkpoint checkpoint;
        try {
            checkpoint = new Checkpoint(Long.parseLong(m.group(1)), m.group(2), Instant.parse(m.group(3)), m.group(4),
                    m.group(6));
            if (!ChainHash.isHex(checkpoint.hash(), 32) || !m.group(5).equals(ChainAnchor.of(checkpoint).toString())
                    || !m.group(3).equals(checkpoint.signedAt().toString())) {
                return "malformed checkpoint line";
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return "malformed checkpoint line";
        }
        if (!checkpoint.keyId().equals(key.keyId())) {
            return "signed by another key (" + checkpoint.keyId() + ")";
        }
        if (!checkpoint.verifies(key)) {
            return "its signature does not verify";
        }
        anchors.add(ChainAnchor.of(checkpoint));
        return null;
    }

    /** What {@link #read} found: the anchors it accepted and, for each line it skipped, where and why. */
    public record Anchors(List<ChainAnchor> anchors, List<String> skipped) {

        /** One line for the operator; {@code from} names the file. */
        public String summary(String from) {
            StringBuilder text = new StringBuilder("anchors from " + from + ": " + anchors.size() + " accepted");
            if (!skipped.isEmpty()) {
                text.append(", ").append(skipped.size()).append(skipped.size() == 1 ? " line" : " lines")
                        .append(" skipped (not signed by the audit key: forged, from an older version, or not anchors): ")
                        .append(String.join("; ", skipped.subList(0, Math.min(5, skipped.size()))))
                        .append(skipped.size() > 5 ? "; …" : "");
            }
            return text.toString();
        }
    }
}
