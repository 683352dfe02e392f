package io.vaultgate.server.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The names a server certificate is valid for (its subject alternative names): DNS names and IP addresses, each
 * checked when given, so that a typo is refused at the command line rather than found by a client's failed handshake.
 * A DNS name is lower-cased and may end in one dot (dropped); a wildcard is allowed only as the whole first label of
 * a name with at least two more labels ({@code *.example.com}), as clients match no other form.
 */
public record TlsNames(List<String> dnsNames, List<String> ipAddresses) {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4_LIKE = Pattern.compile("[0-9.]+");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9a-fA-F:.]+");

    public TlsNames {
        dnsNames = List.copyOf(new LinkedHashSet<>(dnsNames));
        ipAddresses = List.copyOf(new LinkedHashSet<>(ipAddresses.stream().map(TlsNames::canonical).toList()));
        if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one name");
        }
    }

    /** What {@code vaultgate init} always names: localhost, this host's name (if it is a valid one) and loopback. */
    public static TlsNames defaults() {
        List<String> dns = new ArrayList<>(List.of("localhost"));
        try {
            String host = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
            if (isDnsName(host)) {
                dns.add(host);
            }
        } catch (UnknownHostException unknownHost) {
            // localhost alone will do
        }
        return new TlsNames(dns, List.of("127.0.0.1", "::1"));
    }

    /**
     * Sorts {@code names} into DNS names and IP addresses, checking each.
     *
     * @throws IllegalArgumentException naming the first bad name and the rule it breaks
     */
    public static TlsNames parse(Collection<String> names) {
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        for (String name : names) {
            String given = name == null ? "" : name.strip();
            if (given.isEmpty()) {
                throw new IllegalArgumentException("TLS name: empty; give a DNS name (gw.example.com) or an IP "
                        + "address");
            }
            if (given.contains("/")) {
                throw new IllegalArgumentException("TLS name " + given + ": give a host name or an address, not a "
                        + "URL or a network (gw.example.com, 192.0.2.10)");
            }
            if (given.contains(":") || IPV4_LIKE.matcher(given).matches()) {
                ips.add(ipAddress(given));
            } else {
                dns.add(dnsName(given));
            }
        }
        return new TlsNames(dns, ips);
    }

    /**
     * The subject alternative names of {@code certificate} (DNS names and IP addresses only); empty when it has none
     * (a certificate naming its host in the subject only, which clients that check the name refuse).
     */
    public static Optional<TlsNames> of(X509Certificate certificate) {
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            for (List<?> name : names == null ? List.<List<?>>of() : names) {
                if (Integer.valueOf(2).equals(name.get(0))) {
                    dns.add(String.valueOf(name.get(1)));
                } else if (Integer.valueOf(7).equals(name.get(0))) {
                    ips.add(String.valueOf(name.get(1)));
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("the certificate's subject alternative names cannot be read: "
                    + e.getMessage(), e);
        }
        return dns.isEmpty() && ips.isEmpty() ? Optional.empty() : Optional.of(new TlsNames(dns, ips));
    }

    /** These names, then those of {@code more} not already here. */
    public TlsNames plus(TlsNames more) {
        List<String> dns = new ArrayList<>(dnsNames);
        dns.addAll(more.dnsNames);
        List<String> ips = new ArrayList<>(ipAddresses);
        ips.addAll(more.ipAddresses);
        return new TlsNames(dns, ips);
    }

    /** Every name, DNS names first, as {@code DNS:a, IP:b}. */
    @Override
    public String toString() {
        List<String> all = new ArrayList<>();
        dnsNames.forEach(name -> all.add("DNS:" + name));
        ipAddresses.forEach(ip -> all.add("IP:" + ip));
        return String.join(", ", all);
    }

    private static String dnsName(String given) {
        String name = given.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.length() > 253) {
            throw new IllegalArgumentException("TLS name " + given + ": longer than 253 characters");
        }
        String[] labels = name.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i].equals("*") && i == 0) {
                if (labels.length < 3) {
                    throw new IllegalArgumentException("TLS name " + given + ": a wildcard needs at least two labels "
                            + "after it (*.example.com), clients refuse *." + (labels.length > 1 ? labels[1] : ""));
                }
                continue;
            }
            if (labels[i].contains("*")) {
                throw new IllegalArgumentException("TLS name " + given + ": a wildcard is allowed only as the whole "
                        + "first label, e.g. *.example.com");
            }
            if (!LABEL.matcher(labels[i]).matches()) {
                throw new IllegalArgumentException("TLS name " + given + ": \"" + labels[i] + "\" is not a valid DNS "
                        + "label (letters, digits and inner hyphens, 1-63 characters, no empty label)");
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("TLS name " + given + ": not a DNS name (its last label is a number) "
                    + "and not an IPv4 address");
        }
        return name;
    }

    private static String ipAddress(String given) {
        if (!given.contains(":")) {
            if (!IPV4.matcher(given).matches()) {
                throw new IllegalArgumentException("TLS name " + given + ": not a valid IPv4 address (four numbers "
                        + "0-255, e.g. 192.0.2.10)");
            }
            return given;
        }
        String address = given.startsWith("[") && given.endsWith("]") ? given.substring(1, given.length() - 1) : given;
        if (!IPV6_CHARACTERS.matcher(address).matches()) {
            throw new IllegalArgumentException("TLS name " + given + ": not a valid IPv6 address (e.g. 2001:db8::10); "
                    + "a port or a zone (%eth0) does not belong in a certificate");
        }
        try {
            return InetAddress.getByName(address).getHostAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("TLS name " + given + ": not a valid IPv6 address (e.g. 2001:db8::10)",
                    e);
        }
    }

    /** An address in the JDK's text, which is how a certificate's names read back, so that duplicates collapse. */
    private static String canonical(String ip) {
        return ipAddress(ip);
    }

    private static boolean isDnsName(String name) {
        try {
            dnsName(name);
            return !name.contains("*");
        } catch (IllegalArgumentException notOne) {
            return false;
        }
    }
}
