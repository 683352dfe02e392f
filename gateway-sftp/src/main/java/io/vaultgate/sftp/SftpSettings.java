package io.vaultgate.sftp;

import io.vaultgate.sftp.proxy.ProxyTrust;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything the SFTP front-end needs from configuration, validated once at start-up.
 *
 * @param bindAddress the address to listen on, such as {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port the TCP port; 0 picks a free one (tests), read it back from {@link SftpFrontEnd#port()}
 * @param hostKeys private host key files in OpenSSH format (see {@link HostKeys#generate(Path)})
 * @param passwordAuthentication whether the password method is offered at all; the core still decides per
 *     tenant whether a password login is allowed
 * @param limits resource limits
 * @param algorithms SSH algorithm lists
 * @param tuning transport buffer sizes
 * @param proxies balancers whose connections start with a PROXY header naming the client; none by default
 */
public record SftpSettings(String bindAddress, int port, List<Path> hostKeys, boolean passwordAuthentication,
        SftpLimits limits, SftpAlgorithms algorithms, SftpTuning tuning, ProxyTrust proxies) {

    public SftpSettings(String bindAddress, int port, List<Path> hostKeys, boolean passwordAuthentication,
            SftpLimits limits, SftpAlgorithms algorithms, SftpTuning tuning) {
        this(bindAddress, port, hostKeys, passwordAuthentication, limits, algorithms, tuning, ProxyTrust.none());
    }

    public SftpSettings {
        Objects.requireNonNull(bindAddress, "sftp.bind");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("sftp.port: " + port + " is out of range; give 0 to 65535");
        }
        hostKeys = List.copyOf(Objects.requireNonNull(hostKeys, "sftp.hostKeys"));
        if (hostKeys.isEmpty()) {
            throw new IllegalArgumentException("sftp.hostKeys: no host key configured; run `vaultgate init` "
                    + "or list the OpenSSH private key files");
        }
        Objects.requireNonNull(limits, "sftp.limits");
        Objects.requireNonNull(algorithms, "sftp.algorithms");
        Objects.requireNonNull(tuning, "sftp.tuning");
        Objects.requireNonNull(proxies, "sftp.proxy-protocol");
    }

    /** Loopback, a random port, password offered, default limits and the hardened algorithms. */
    public static SftpSettings loopback(List<Path> hostKeys) {
        return new SftpSettings("127.0.0.1", 0, hostKeys, true, SftpLimits.defaults(), SftpAlgorithms.hardened(),
                SftpTuning.defaults());
    }

    public SftpSettings withLimits(SftpLimits newLimits) {
        return new SftpSettings(bindAddress, port, hostKeys, passwordAuthentication, newLimits, algorithms, tuning, proxies);
    }

    public SftpSettings withAlgorithms(SftpAlgorithms newAlgorithms) {
        return new SftpSettings(bindAddress, port, hostKeys, passwordAuthentication, limits, newAlgorithms, tuning, proxies);
    }

    public SftpSettings withTuning(SftpTuning newTuning) {
        return new SftpSettings(bindAddress, port, hostKeys, passwordAuthentication, limits, algorithms, newTuning, proxies);
    }

    public SftpSettings withProxies(ProxyTrust newProxies) {
        return new SftpSettings(bindAddress, port, hostKeys, passwordAuthentication, limits, algorithms, tuning,
                newProxies);
    }
}
