package io.vaultgate.core.auth;

import io.vaultgate.core.tenant.Protocol;

/**
 * Checks credentials presented by any front-end against the catalog. Front-ends pass what the client
 * offered and never decide themselves; every call is one audit event.
 */
public interface Authenticator {

    /**
     * @param fingerprint the key's OpenSSH SHA-256 fingerprint ({@code SHA256:base64}, no padding)
     */
    AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String sourceAddress);

    /**
     * SSH's signature-less "would this key do?" query: the checks of {@link #byPublicKey}, but a key that would do is
     * no login, since anyone may hold the public half of a key: no success is audited and no lockout count reset. A
     * key that would not do is a failed login like any other (audited, scored). The default is {@link #byPublicKey}.
     */
    default AuthResult queryPublicKey(String username, String fingerprint, Protocol protocol, String sourceAddress) {
        return byPublicKey(username, fingerprint, protocol, sourceAddress);
    }

    /**
     * A password login. A right password of a principal whose role requires MFA is no login by itself, over any
     * protocol: refused ({@link AuthFailure#MFA_REQUIRED}), nothing reset.
     */
    AuthResult byPassword(String username, char[] password, Protocol protocol, String sourceAddress);

    /**
     * The password step of a login that goes on to a second step (SFTP's {@code password,keyboard-interactive}): the
     * checks of {@link #byPassword}, but the right password of a principal whose role requires MFA is an
     * {@link AuthResult.Partial}, the principal whose TOTP code {@link #byTotp} then checks. A partial is no login:
     * no success audited, no lockout count reset (the completed login resets every count of the name); the defender
     * scores it as a refused password, so that a ban comes no later for right passwords than for wrong ones. Any
     * other principal's right password is a login as {@link #byPassword} makes it. The default is
     * {@link #byPassword}, which refuses such a principal (fail closed).
     */
    default AuthResult firstFactorByPassword(String username, char[] password, Protocol protocol,
                                             String sourceAddress) {
        return byPassword(username, password, protocol, sourceAddress);
    }

    /**
     * A signed public-key request for {@code username} whose signature did not verify: whoever sent it may hold the
     * public half of the name's key, not the private one. Never a login: refused as a wrong key is (audited,
     * scored, counted towards the name's key lockout where key logins lock). The default refuses it unrecorded.
     */
    default AuthResult refusedSignature(String username, Protocol protocol, String sourceAddress) {
        return new AuthResult.Failure(username, AuthFailure.BAD_CREDENTIAL);
    }

    /** A bearer API token, for HTTPS. A monitor's token is refused here ({@link AuthFailure#MONITOR_ONLY}). */
    AuthResult byToken(String token, Protocol protocol, String sourceAddress);

    /**
     * A bearer token presented to the ops listener, audited as an HTTPS token check: a monitor's token yields a
     * {@link MonitorPrincipal}, any other is checked as {@link #byToken} checks it (the listener then admits
     * administrators only). The one method that can yield a monitor, so that no front-end ever sees one; an
     * authenticator that knows no monitors checks every token as {@link #byToken} does.
     */
    default AuthResult byOpsToken(String token, String sourceAddress) {
        return byToken(token, Protocol.HTTPS, sourceAddress);
    }

    /**
     * A TLS client certificate the front-end has already validated against the gateway's client CA,
     * identified by the SHA-256 of its DER encoding (lower-case hex).
     */
    default AuthResult byCertificate(String sha256Fingerprint, Protocol protocol, String sourceAddress) {
        return new AuthResult.Failure(null, AuthFailure.METHOD_NOT_ALLOWED);
    }

    /**
     * Whether {@code login}, the success of a header credential (API token or password), may stand on a connection whose
     * client certificate, verified by the handshake, has this fingerprint: for a listener that requires client
     * certificates, where the certificate must be the account's own. A client account's login stands only while the
     * certificate is registered to that same account; otherwise it is refused as
     * {@link AuthFailure#CERTIFICATE_MISMATCH}. Operators and administrators hold no certificates (only accounts do), so
     * their logins stand: for them the handshake's CA check is the whole gate. The default refuses every client
     * account's login (fail closed: an authenticator that cannot tell whose a certificate is lets no client through).
     */
    default AuthResult certificateBound(AuthResult.Success login, String sha256Fingerprint, Protocol protocol,
                                        String sourceAddress) {
        return login.principal() instanceof ClientPrincipal client
                ? new AuthResult.Failure(client.name(), AuthFailure.CERTIFICATE_MISMATCH) : login;
    }

    /**
     * The second factor of a principal that has just proved its first one (an SSH key): its current TOTP
     * code. A code is accepted once.
     */
    default AuthResult byTotp(Principal principal, String code, Protocol protocol, String sourceAddress) {
        return new AuthResult.Failure(principal.name(), AuthFailure.METHOD_NOT_ALLOWED);
    }

    /**
     * A success this authenticator answered ({@code method}: the one it was recorded under) that the front-end could
     * not deliver, so that no session came of it: over SFTP, a TOTP step whose answer MINA dropped because the
     * client sent another message or left before it was due. Recorded after the success (which stays: the
     * credentials were proved, a TOTP code stays used); changes no count.
     *
     * <p>The record is made, and stamped, now (when the front-end learns that the success was not delivered), and
     * written when the returned action runs: a front-end may run it later, on a thread of its own, so that a slow
     * catalog holds back no other answer (SFTP's recorder), and the record still says when it happened. The action
     * runs once; it throws what the write throws. The default records nothing.
     *
     * @return the write of the record, stamped at this call
     */
    default Runnable undelivered(Principal principal, String method, Protocol protocol, String sourceAddress) {
        return () -> { };
    }

    /**
     * A long-lived API token together with its owner's current TOTP code: the exchange that yields a
     * short-lived token for roles that require MFA ({@code POST /v1/auth/token}).
     */
    default AuthResult byTokenAndTotp(String token, String code, Protocol protocol, String sourceAddress) {
        return new AuthResult.Failure(null, AuthFailure.METHOD_NOT_ALLOWED);
    }

    /**
     * The defender, live sessions, MFA policy and banner that go with this authenticator. Reached from here
     * so that a front-end given the core's authenticator needs nothing else; test doubles admit everyone.
     */
    default AccessControl access() {
        return AccessControl.open();
    }

    /**
     * The same checks, audited and counted alike, but without the defender: neither refused for a banned address
     * nor scored as offences. For a listener apart from the front-ends that limits failures itself (the ops
     * listener), so that its failures cannot get an address banned on SFTP and HTTPS. Itself unless it is the
     * defender's wrapper ({@link DefendingAuthenticator}).
     */
    default Authenticator withoutDefender() {
        return this;
    }
}
