package io.vaultgate.core.forward;

import io.vaultgate.core.forward.DeliveryOutcome.Delivered;
import io.vaultgate.core.forward.DeliveryOutcome.Failed;
import io.vaultgate.core.forward.DeliveryOutcome.Kind;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Judges a site's answer to a forwarded file: delivered only for a {@code 2xx} whose {@code Repr-Digest}
 * carries the file's SHA-256 (or, for a site configured without site digests, a {@code 2xx} without the
 * field). A refusal keeps the start of the site's body, printable ASCII only, as the job's last error; a
 * {@link #FINAL} refusal is permanent.
 */
final class AnswerCheck {

    /**
     * Refusals that no repetition of the same request can change, so the job goes DEAD at once instead of using
     * up its attempts: {@code 413} (larger than the site takes), {@code 421} (misdirected: the reference receiver
     * serves another site than the one the file is for, its {@code vaultgate receive --site}) and {@code 422} (the
     * site cannot store this file as sent; the reference receiver's answer for a path blocked on its disk). A DEAD
     * job keeps the site's reason and is counted and reported as any other. {@code 400} is not among them: web
     * servers and proxies answer it for passing misconfigurations too (nginx, for a client certificate it does not
     * trust yet), and {@code 409} means "being received, try later" in this protocol.
     */
    static final Set<Integer> FINAL = Set.of(413, 421, 422);

    private static final Pattern UNPRINTABLE = Pattern.compile("[^\\x20-\\x7e]+");

    private AnswerCheck() {
    }

    static DeliveryOutcome judge(boolean digestRequired, String expectedSha256, SiteAnswer answer) {
        String excerpt = printable(answer.excerpt());
        if (answer.status() / 100 != 2) {
            boolean permanent = FINAL.contains(answer.status());
            return new Failed(Kind.STATUS, "the site answered " + answer.status()
                    + (excerpt.isEmpty() ? "" : ": " + excerpt)
                    + (permanent ? " (final: not retried; clear the cause at the site, then retry the job)" : ""),
                    permanent);
        }
        Optional<String> field = answer.header(ForwardProtocol.REPR_DIGEST);
        if (field.isEmpty()) {
            return digestRequired
                    ? new Failed(Kind.DIGEST, "the site answered " + answer.status() + " without Repr-Digest", false)
                    : new Delivered(Optional.empty(), answer.siteCertificateSha256());
        }
        Optional<String> answered = ForwardProtocol.sha256Hex(field.get());
        if (answered.isEmpty() || !answered.get().equalsIgnoreCase(expectedSha256)) {
            return new Failed(Kind.DIGEST, "the site's digest " + printable(field.get()) + " differs from the file's "
                    + ForwardProtocol.reprDigest(expectedSha256), false);
        }
        return new Delivered(answered, answer.siteCertificateSha256());
    }

    /** What a site sent, quoted in logs and the job's last error: printable ASCII only. */
    static String printable(String sent) {
        return UNPRINTABLE.matcher(sent).replaceAll(" ").trim();
    }
}
