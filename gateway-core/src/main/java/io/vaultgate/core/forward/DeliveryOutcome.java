package io.vaultgate.core.forward;

import java.util.Objects;
import java.util.Optional;

/** What one attempt to deliver a file to a site came to. */
public sealed interface DeliveryOutcome {

    /**
     * The site took the file; {@code siteDigest} is the hex SHA-256 it answered (empty if it need not), and
     * {@code siteCertificateSha256} the hex SHA-256 fingerprint of the certificate it presented (DER).
     */
    record Delivered(Optional<String> siteDigest, Optional<String> siteCertificateSha256) implements DeliveryOutcome {
        public Delivered {
            Objects.requireNonNull(siteDigest, "siteDigest");
            Objects.requireNonNull(siteCertificateSha256, "siteCertificateSha256");
        }
    }

    /**
     * The attempt failed. {@code kind} is a metric label; {@code permanent} failures (the site refused the file for
     * good) go dead at once instead of being retried.
     */
    record Failed(Kind kind, String message, boolean permanent) implements DeliveryOutcome {
        public Failed {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }
    }

    /**
     * Nothing to send: the file no longer exists (deleted or replaced by its owner, expired), or its tenant was
     * shredded (offboarded: its keys destroyed, its files never to leave again). No retry could ever send it, so the
     * job is settled {@link ForwardState#ABANDONED} with {@code reason}, quietly: it counts as no failure, is not
     * dead-lettered, and (nothing sent) is not counted as an attempted job of its worker's turn.
     */
    record Gone(String reason) implements DeliveryOutcome {
        public Gone {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Not attempted: the job's tenant was locked down after the job was claimed, and nothing was sent. The job is
     * given back {@link ForwardState#PENDING}, due as before and its claim not counted as an attempt, and is sent
     * once the tenant is unlocked (a locked tenant's jobs are not claimed). Counts as no failure.
     */
    record Paused(String reason) implements DeliveryOutcome {
        public Paused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Why an attempt failed, for logs and metrics. */
    enum Kind {
        /** Handshake refused either way: untrusted, expired or wrong-name certificate. Nothing was sent. */
        TLS,
        /** Connection refused, reset or timed out. */
        NETWORK,
        /** The site answered a non-2xx status. */
        STATUS,
        /** The site answered 2xx with a missing or different digest. */
        DIGEST,
        /** The site is not configured for forwarding, or its key file cannot be read. */
        CONFIGURATION,
        /**
         * The file cannot be read: its stored copy or key could not be used this time (the object store, the key
         * provider: retried). A file that no longer exists, or whose key its tenant's shred destroyed, is
         * {@link Gone}.
         */
        FILE
    }
}
