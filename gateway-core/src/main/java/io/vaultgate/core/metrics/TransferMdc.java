package io.vaultgate.core.metrics;

import org.slf4j.MDC;

/**
 * Puts a transfer's id, tenant, login and protocol in the logging MDC for the duration of one call, so every
 * line logged on the way (the ledger's "upload committed", a storage failure) names them; the previous
 * values, e.g. a front-end's session id under other keys or an outer transfer, are restored on close.
 * Never secrets: ids and names only.
 */
final class TransferMdc implements AutoCloseable {

    static final String TRANSFER = "transfer";
    static final String TENANT = "tenant";
    static final String PRINCIPAL = "principal";
    static final String PROTOCOL = "protocol";
    private static final String[] KEYS = {TRANSFER, TENANT, PRINCIPAL, PROTOCOL};

    private final String[] previous = new String[KEYS.length];

    private TransferMdc(TransferSnapshot transfer) {
        String[] values = {transfer.transferId(), transfer.tenant(), transfer.principal(), transfer.protocol()};
        for (int i = 0; i < KEYS.length; i++) {
            previous[i] = MDC.get(KEYS[i]);
            MDC.put(KEYS[i], values[i]);
        }
    }

    static TransferMdc enter(InFlightTransfer transfer) {
        return new TransferMdc(transfer.identity());
    }

    @Override
    public void close() {
        for (int i = 0; i < KEYS.length; i++) {
            if (previous[i] == null) {
                MDC.remove(KEYS[i]);
            } else {
                MDC.put(KEYS[i], previous[i]);
            }
        }
    }
}
