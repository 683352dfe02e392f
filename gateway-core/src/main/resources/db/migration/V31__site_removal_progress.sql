-- When a site's removal last committed a page of the forwards it abandons after the site's own transaction (epoch
-- milliseconds; NULL until its first page). Every node's maintenance pass takes over the forwards of a removed site
-- only 10 minutes after this (or, before any page, after removed_at): a removal still running its pages, however
-- long its backlog, keeps them its own, audited under its administrator's name (RemovedSiteForwards). Plain SQL for
-- SQLite and PostgreSQL; a nullable column without a default changes no existing row.
ALTER TABLE sites ADD COLUMN removal_progress_at BIGINT;
