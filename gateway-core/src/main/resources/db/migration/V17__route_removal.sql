-- A removed route routes no new file; it stays (retired) for the batches it formed and for reports.
ALTER TABLE routes ADD COLUMN retired_at BIGINT;
