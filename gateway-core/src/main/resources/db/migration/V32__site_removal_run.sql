-- Which run of a site's removal owns the pages of the forwards it abandons after the site's own transaction: a random
-- id the plain removal sets with removed_at (and a removal run again sets at its first page), NULL once a maintenance
-- pass has taken the site over (its removal made no progress for 10 minutes: cut off, or stalled). Each page of a run
-- checks that the id is still its own, so that a run stalled past the grace stops at its next page instead of sharing
-- the pages with the passes (RemovedSiteForwards). Plain SQL for SQLite and PostgreSQL; a nullable column without a
-- default changes no existing row.
ALTER TABLE sites ADD COLUMN removal_run VARCHAR(36);
