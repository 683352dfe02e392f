package io.vaultgate.core.forward;

import io.netty.handler.ssl.OpenSsl;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which TLS implementation encrypts the forwarder's connections: BoringSSL (netty-tcnative, the library the
 * HTTPS front-end uses) when it loads, the JDK's JSSE otherwise. Both enforce the same policy
 * ({@link SiteTls}); BoringSSL does the record encryption in native code, about twice the JDK's rate.
 * The system property {@value #PROPERTY} ({@code jdk} or {@code openssl}) overrides the choice, for
 * diagnosis and A/B measurements; {@code openssl} when the library cannot load still falls back, with the log line.
 */
enum SiteTlsProvider {
    OPENSSL,
    JDK;

    static final String PROPERTY = "vaultgate.forward.tls";
    private static final Logger LOG = LoggerFactory.getLogger(SiteTlsProvider.class);

    /** The provider for this process; logs the choice once. */
    static SiteTlsProvider preferred() {
        return Preferred.CHOICE;
    }

    private static final class Preferred {
        static final SiteTlsProvider CHOICE = choose(System.getProperty(PROPERTY, ""), OpenSsl.isAvailable(),
                OpenSsl.unavailabilityCause());
    }

    /**
     * OpenSSL when {@code available} unless {@code requested} is {@code jdk}; the JDK otherwise, with a log line
     * naming {@code cause}.
     */
    static SiteTlsProvider choose(String requested, boolean available, Throwable cause) {
        String wanted = requested.trim().toLowerCase(Locale.ROOT);
        if (!wanted.isEmpty() && !wanted.equals("jdk") && !wanted.equals("openssl")) {
            throw new IllegalArgumentException(PROPERTY + " must be jdk or openssl, not " + requested);
        }
        if (wanted.equals("jdk")) {
            LOG.info("TLS of forwarded files: the JDK's (JSSE), as {}=jdk asks", PROPERTY);
            return JDK;
        }
        if (!available) {
            LOG.warn("TLS of forwarded files: OpenSSL (netty-tcnative BoringSSL) cannot be loaded ({}); "
                    + "using the JDK's TLS (JSSE), same policy, slower", cause == null ? "no cause given" : cause);
            return JDK;
        }
        LOG.info("TLS of forwarded files: OpenSSL (netty-tcnative, {})",
                OpenSsl.isAvailable() ? OpenSsl.versionString() : "not loaded");
        return OPENSSL;
    }
}
