package io.vaultgate.core.tenant;

/** The front-end protocols a principal may use. */
public enum Protocol {
    SFTP, HTTPS
}
