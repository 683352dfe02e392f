package io.vaultgate.sftp.proxy;

import org.apache.sshd.common.session.Session;

/**
 * A check made once per connection on the client's address (the defender's verdict, the per-address cap). Made at
 * accept for direct clients, and once the PROXY header has named the client for connections from a balancer.
 */
public interface AdmissionCheck {

    /** @throws RuntimeException to refuse the connection (MINA closes it) */
    void admit(Session session);
}
