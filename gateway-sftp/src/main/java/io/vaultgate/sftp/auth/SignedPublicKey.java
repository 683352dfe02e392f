package io.vaultgate.sftp.auth;

import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.UserAuthFactory;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;

/**
 * MINA's {@code publickey} method with the core asked only once the client has proved that it holds the private
 * key. MINA consults its {@code PublickeyAuthenticator} before it verifies a signature, and for the signature-less
 * "would this key do?" query, which anyone holding only the public half can send; the gateway's callback
 * ({@link CoreUserAuthenticator#authenticate(String, PublicKey, ServerSession)}) therefore says yes while this
 * method is verifying a signed request, and the core decides after {@link #verifySignature} succeeded. A query is
 * answered by the core's {@code queryPublicKey}, which records a key that would do as no login: answering
 * {@code PK_OK} for every key instead made clients sign with each key they hold, two authentication requests per
 * key, so an agent with three keys before the right one ran out of {@code sftp.max-auth-attempts} (6). A signature
 * that does not verify (or cannot be read) is reported to a {@link BadSignature} before MINA refuses the request,
 * so that it counts as a failed login: MINA itself only logs it.
 */
final class SignedPublicKey extends UserAuthPublicKey {

    /** Decides about a key whose signature MINA has verified. */
    @FunctionalInterface
    interface KeyCheck {
        boolean admits(String username, PublicKey key, ServerSession session);
    }

    /** Hears of a signed request whose signature did not verify, which MINA then refuses. */
    @FunctionalInterface
    interface BadSignature {
        void refused(String username, PublicKey key, ServerSession session);
    }

    private static final AttributeKey<Boolean> VERIFYING = new AttributeKey<>();
    private static final AttributeKey<Boolean> QUERYING = new AttributeKey<>();

    private final KeyCheck check;
    private final BadSignature bad;
    private PublicKey verified;

    private SignedPublicKey(List<NamedFactory<Signature>> signatures, KeyCheck check, BadSignature bad) {
        super(signatures);
        this.check = check;
        this.bad = bad;
    }

    /** The {@code publickey} factory to put in place of MINA's. */
    static UserAuthFactory factory(KeyCheck check, BadSignature bad) {
        return new UserAuthPublicKeyFactory() {
            @Override
            public UserAuthPublicKey createUserAuth(ServerSession session) {
                return new SignedPublicKey(getSignatureFactories(), check, bad);
            }
        };
    }

    /** MINA's factories with its {@code publickey} replaced by this one. */
    static List<UserAuthFactory> replacing(List<UserAuthFactory> factories, KeyCheck check, BadSignature bad) {
        return factories.stream()
                .map(f -> UserAuthPublicKeyFactory.NAME.equals(f.getName()) ? factory(check, bad) : f).toList();
    }

    /** Whether MINA is verifying a signed request of this method on the session (its callback may then say yes). */
    static boolean isVerifying(ServerSession session) {
        return Boolean.TRUE.equals(session.getAttribute(VERIFYING));
    }

    /** Whether MINA is answering a signature-less query of this method on the session. */
    static boolean isQuerying(ServerSession session) {
        return Boolean.TRUE.equals(session.getAttribute(QUERYING));
    }

    /**
     * The key of a {@code publickey} request whose signature verifies, without asking anyone about the key and
     * without touching the session's authentication state; empty for a query (no signature), a bad signature or a
     * malformed request. The buffer is left as it was.
     *
     * @param request positioned after the method name
     */
    static Optional<PublicKey> verifiedKey(ServerSession session, String username, String service, Buffer request) {
        int start = request.rpos();
        int end = request.wpos();
        if (request.available() < 1 || request.rawByte(start) == 0) {
            return Optional.empty();
        }
        // the probe reports no bad signature: MINA's service is given the same request next, which reports it
        SignedPublicKey probe = new SignedPublicKey(null, (user, key, s) -> false, (user, key, s) -> { });
        try {
            probe.auth(session, username, service, request);
            return Optional.ofNullable(probe.verified);
        } catch (Exception notVerified) {
            return Optional.empty();
        } finally {
            request.rpos(start);
            request.wpos(end);
        }
    }

    @Override
    public Boolean doAuth(Buffer buffer, boolean init) throws Exception {
        ServerSession session = getServerSession();
        List<PublicKey> authenticated = session.getAttribute(AUTHENTICATED_KEYS);
        int before = authenticated == null ? 0 : authenticated.size();
        Boolean result;
        boolean signed = buffer.available() > 0 && buffer.rawByte(buffer.rpos()) != 0;
        session.setAttribute(signed ? VERIFYING : QUERYING, Boolean.TRUE);
        try {
            result = super.doAuth(buffer, init);
        } finally {
            session.removeAttribute(VERIFYING);
            session.removeAttribute(QUERYING);
        }
        if (!Boolean.TRUE.equals(result) || check.admits(getUsername(), verified, session)) {
            return result;
        }
        forgetKeysAfter(session, before);
        return Boolean.FALSE;
    }

    @Override
    protected boolean verifySignature(ServerSession session, String username, String alg, PublicKey key,
                                      Buffer buffer, Signature verifier, byte[] sig) throws Exception {
        boolean good = false;
        try {
            good = super.verifySignature(session, username, alg, key, buffer, verifier, sig);
        } finally {
            verified = good ? key : null;
            if (!good) { // false, or a signature the verifier cannot read (it throws)
                bad.refused(username, key, session);
            }
        }
        return good;
    }

    /** MINA lists a verified key as authenticated; one the core refused (or a probe's) is not. */
    private static void forgetKeysAfter(ServerSession session, int count) {
        List<PublicKey> keys = session.getAttribute(AUTHENTICATED_KEYS);
        if (keys == null) {
            return;
        }
        while (keys.size() > count) {
            keys.remove(keys.size() - 1);
        }
        if (keys.isEmpty()) {
            session.removeAttribute(AUTHENTICATED_KEYS);
        }
    }
}
