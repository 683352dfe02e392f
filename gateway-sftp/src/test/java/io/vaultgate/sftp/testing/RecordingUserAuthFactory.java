package io.vaultgate.sftp.testing;

import java.io.IOException;
import java.util.List;
import org.apache.sshd.client.session.ClientUserAuthService;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.ServiceFactory;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * MINA's client {@code ssh-userauth} service, recording into {@code answers} what the server answers before it handles
 * it: {@code failure:METHODS} (with {@code :partial} for a partial success) or {@code success}. For tests of what a
 * client can tell from the server's answers.
 */
public record RecordingUserAuthFactory(List<String> answers) implements ServiceFactory {

    @Override
    public String getName() {
        return "ssh-userauth";
    }

    @Override
    public Service create(Session session) throws IOException {
        return new ClientUserAuthService(session) {
            @Override
            public void process(int cmd, Buffer buffer) throws Exception {
                if (cmd == SshConstants.SSH_MSG_USERAUTH_FAILURE) {
                    int start = buffer.rpos();
                    String methods = buffer.getString();
                    answers.add("failure:" + methods + (buffer.getBoolean() ? ":partial" : ""));
                    buffer.rpos(start);
                } else if (cmd == SshConstants.SSH_MSG_USERAUTH_SUCCESS) {
                    answers.add("success");
                }
                super.process(cmd, buffer);
            }
        };
    }
}
