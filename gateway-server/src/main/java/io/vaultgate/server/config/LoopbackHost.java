package io.vaultgate.server.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether a configured host is this machine's loopback, so that traffic to it never crosses a network: the one
 * case in which a connection may go without TLS or without verifying the server ({@code storage.s3.endpoint},
 * {@code catalog.url}). Decided from the text alone: {@code localhost}, an IPv4 literal in 127.0.0.0/8, or {@code ::1}
 * (bracketed or not). A name that only looks like an address ({@code 127.example.net}) is not loopback.
 */
public final class LoopbackHost {

    private static final Pattern IPV4 = Pattern.compile("127(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");

    private LoopbackHost() {
    }

    public static boolean is(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        h = h.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || IPV4.matcher(h).matches() || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }
}
