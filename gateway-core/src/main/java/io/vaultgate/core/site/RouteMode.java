package io.vaultgate.core.site;

/** How a route hands a tenant's files to a site. */
public enum RouteMode {
    /** The site's operators list, claim and download batches. */
    PULL,
    /** The gateway forwards each file to the site's endpoint over mutual TLS. */
    PUSH
}
