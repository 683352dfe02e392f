package io.vaultgate.sftp.auth;

import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.client.auth.AbstractUserAuth;
import org.apache.sshd.client.auth.AbstractUserAuthFactory;
import org.apache.sshd.client.auth.UserAuth;
import org.apache.sshd.client.auth.UserAuthFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * A client {@code publickey} method that sends one request made of a public key alone, as anyone holding only the
 * public half can: the signature-less "would this key do?" query, or a request whose "signature" is made-up bytes.
 * Whatever the server answers, it sends nothing more.
 */
final class RawPublicKeyRequest extends AbstractUserAuth {

    private final PublicKey key;
    private final byte[] signature;
    private boolean sent;

    private RawPublicKeyRequest(PublicKey key, byte[] signature) {
        super("publickey");
        this.key = key;
        this.signature = signature;
    }

    /** The only method of a session: a query for {@code key} ({@code signature} null) or a forged signature. */
    static List<UserAuthFactory> only(PublicKey key, byte[] signature) {
        return List.of(new AbstractUserAuthFactory("publickey") {
            @Override
            public UserAuth createUserAuth(ClientSession session) {
                return new RawPublicKeyRequest(key, signature);
            }
        });
    }

    @Override
    protected boolean sendAuthDataRequest(ClientSession session, String service) throws Exception {
        if (sent) {
            return false;
        }
        sent = true;
        Buffer request = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_REQUEST);
        request.putString(session.getUsername());
        request.putString(service);
        request.putString("publickey");
        request.putBoolean(signature != null);
        request.putString(KeyUtils.getKeyType(key));
        request.putPublicKey(key);
        if (signature != null) {
            Buffer sig = new ByteArrayBuffer();
            sig.putString(KeyUtils.getKeyType(key));
            sig.putBytes(signature);
            request.putBytes(sig.getCompactData());
        }
        session.writePacket(request);
        return true;
    }

    @Override
    protected boolean processAuthDataRequest(ClientSession session, String service, Buffer buffer) {
        return false;
    }
}
