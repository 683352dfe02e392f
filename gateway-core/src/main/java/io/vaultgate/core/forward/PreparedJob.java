package io.vaultgate.core.forward;

import io.vaultgate.core.files.FileRecord;

/**
 * A claimed job made ready to send ({@link JobPreparation}): its file and site looked up, the file opened and its
 * first chunks being read ahead; or the failure that ended the attempt already. Closing it releases what it opened.
 */
final class PreparedJob implements AutoCloseable {

    private final ForwardJob job;
    private final DeliveryOutcome failed;
    private final SiteConnections client;
    private final SiteForwarding site;
    private final FileRecord file;
    private final AutoCloseable opened;
    private final SiteDelivery.Request request;

    private PreparedJob(ForwardJob job, DeliveryOutcome failed, SiteConnections client, SiteForwarding site,
                        FileRecord file, AutoCloseable opened, SiteDelivery.Request request) {
        this.job = job;
        this.failed = failed;
        this.client = client;
        this.site = site;
        this.file = file;
        this.opened = opened;
        this.request = request;
    }

    /** Ready to send {@code request} for {@code file} to {@code site}; {@code opened} is what it reads. */
    static PreparedJob ready(ForwardJob job, SiteConnections client, SiteForwarding site, FileRecord file,
                             AutoCloseable opened, SiteDelivery.Request request) {
        return new PreparedJob(job, null, client, site, file, opened, request);
    }

    /**
     * An attempt that ended while it was prepared (or was {@linkplain DeliveryOutcome.Paused paused} by its tenant's
     * lockdown): sending it sends nothing and yields {@code failed}.
     */
    static PreparedJob failed(ForwardJob job, DeliveryOutcome failed) {
        return new PreparedJob(job, failed, null, null, null, null, null);
    }

    ForwardJob job() {
        return job;
    }

    /** Whether the attempt ended already, while it was prepared (nothing was opened then). */
    boolean failedAlready() {
        return failed != null;
    }

    /** The size of the request body; 0 when the attempt failed already. */
    long size() {
        return request == null ? 0 : request.body().size();
    }

    /**
     * Sends the request with {@code delivery} (see {@link SiteDelivery#send}), or answers the failure that ended the
     * attempt already. Closes nothing: the caller {@linkplain #release releases} what was opened.
     */
    DeliveryOutcome deliver(SiteDelivery delivery, Runnable whileAwaiting) {
        return failed != null ? failed : delivery.send(client, site, file, request, whileAwaiting);
    }

    /** Stops the read-ahead and closes the file; false if closing the file failed. */
    boolean release() {
        if (request != null) {
            request.close();
        }
        if (opened != null) {
            try {
                opened.close();
            } catch (Exception e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        release();
    }
}
