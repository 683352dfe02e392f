-- Sealed forwarding: a site's X25519 recipient key (base64 of 32 bytes), published by the site
-- (`vaultgate site add ... --sealed-recipient-key FILE`). It belongs to the site, not to its TLS settings,
-- so reconfiguring the endpoint or certificates keeps it. NULL: the site gets plaintext over mTLS.
-- (site_forwarding.recipient_key, reserved in V4, stays unused.)
ALTER TABLE sites ADD COLUMN recipient_key TEXT;
