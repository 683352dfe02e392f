package io.vaultgate.sftp.kex;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which of the server's ciphers to offer one client. SSH settles a cipher by taking the first one of the
 * <em>client's</em> list that the server also offers, so the server's order decides nothing: the stock OpenSSH
 * client lists {@code chacha20-poly1305} (not offered here), then the CTR ciphers, then AES-GCM, and gets
 * {@code aes128-ctr} with a separate {@code hmac-sha2-256-etm} whenever CTR is offered to it. When the client's
 * list names an AEAD cipher the server offers, only the server's AEAD ciphers are offered (in the server's
 * order); otherwise the server's whole list, so a client without AES-GCM still gets CTR with an ETM MAC.
 * Nothing outside the configured list is ever offered.
 */
public final class CipherProposal {

    private CipherProposal() {
    }

    /**
     * @param ours   the server's configured ciphers, comma-separated, in preference order
     * @param theirs the client's ciphers for the same direction, comma-separated; {@code null} or empty when the
     *               client's KEXINIT has not been seen
     * @return the comma-separated list to offer
     */
    public static String narrow(String ours, String theirs) {
        if (ours == null || theirs == null || theirs.isEmpty()) {
            return ours;
        }
        Set<String> offeredByClient = Set.copyOf(names(theirs));
        List<String> aead = names(ours).stream().filter(CipherProposal::isAead).collect(Collectors.toList());
        if (aead.isEmpty() || aead.stream().noneMatch(offeredByClient::contains)) {
            return ours;
        }
        return String.join(",", aead);
    }

    /** AES-GCM carries its own tag, so no MAC runs beside it: one pass over each packet instead of two. */
    static boolean isAead(String cipher) {
        return cipher.endsWith("-gcm@openssh.com");
    }

    private static List<String> names(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(name -> !name.isEmpty())
                .collect(Collectors.toList());
    }
}
