package io.vaultgate.sftp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.OptionalFeature;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.mac.BuiltinMacs;
import org.apache.sshd.common.mac.Mac;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.server.ServerBuilder;

/** Turns {@link SftpAlgorithms} names into MINA factories; the only place that knows MINA's enums. */
final class AlgorithmFactories {

    private AlgorithmFactories() {
    }

    /** Checks that every name resolves; called by {@link SftpAlgorithms} before its fields are set. */
    static void validate(List<String> keyExchanges, List<String> ciphers, List<String> macs, List<String> signatures) {
        keyExchanges(keyExchanges);
        ciphers(ciphers);
        macs(macs);
        signatures(signatures);
    }

    static List<KeyExchangeFactory> keyExchanges(SftpAlgorithms algorithms) {
        return keyExchanges(algorithms.keyExchanges());
    }

    static List<NamedFactory<Cipher>> ciphers(SftpAlgorithms algorithms) {
        return ciphers(algorithms.ciphers());
    }

    static List<NamedFactory<Mac>> macs(SftpAlgorithms algorithms) {
        return macs(algorithms.macs());
    }

    static List<NamedFactory<Signature>> signatures(SftpAlgorithms algorithms) {
        return signatures(algorithms.signatures());
    }

    private static List<KeyExchangeFactory> keyExchanges(List<String> names) {
        return resolve("keyExchanges", names,
                name -> {
                    BuiltinDHFactories factory = BuiltinDHFactories.fromFactoryName(name);
                    return factory == null ? null : supported(factory, ServerBuilder.DH2KEX.apply(factory));
                });
    }

    private static List<NamedFactory<Cipher>> ciphers(List<String> names) {
        return resolve("ciphers", names, name -> supported(BuiltinCiphers.fromFactoryName(name)));
    }

    private static List<NamedFactory<Mac>> macs(List<String> names) {
        return resolve("macs", names, name -> supported(BuiltinMacs.fromFactoryName(name)));
    }

    private static List<NamedFactory<Signature>> signatures(List<String> names) {
        return resolve("signatures", names,
                name -> supported(BuiltinSignatures.fromFactoryName(name)));
    }

    private static <F extends OptionalFeature> F supported(F factory) {
        return supported(factory, factory);
    }

    private static <T> T supported(OptionalFeature feature, T value) {
        return feature == null || !feature.isSupported() ? null : value;
    }

    private static <T> List<T> resolve(String key, List<String> names, Function<String, T> lookup) {
        List<T> factories = new ArrayList<>(names.size());
        for (String name : names) {
            T factory = lookup.apply(name);
            if (factory == null) {
                throw new IllegalArgumentException("sftp.algorithms." + key + ": \"" + name
                        + "\" is unknown or not available in this JVM; check the spelling against docs/sftp.md");
            }
            factories.add(factory);
        }
        return List.copyOf(factories);
    }
}
