package io.vaultgate.https.receiver;

import java.security.cert.X509CRL;
import java.util.List;

/** The gateway CA's CRLs the receiver checks client certificates against, as they are now. */
@FunctionalInterface
public interface RevocationLists {

    /** The current CRLs; the same list instance until they change. Empty: revocation is not checked. */
    List<X509CRL> current();

    /** Lists that never change (tests, or a receiver started without CRL files). */
    static RevocationLists fixed(List<X509CRL> crls) {
        List<X509CRL> copy = List.copyOf(crls);
        return () -> copy;
    }
}
