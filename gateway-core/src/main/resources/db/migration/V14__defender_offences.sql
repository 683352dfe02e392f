-- The defender's scores, shared by every node: one row per offence (a failed login, a path escape...) of a source
-- address, kept for the observation window only. Until now each node scored in memory, so N nodes behind a
-- balancer let an address spread N times the ban threshold before it was banned.

CREATE TABLE defender_offences (
    address     VARCHAR(64) NOT NULL,
    points      INTEGER     NOT NULL,
    occurred_at BIGINT      NOT NULL
);
CREATE INDEX defender_offences_by_address ON defender_offences (address, occurred_at);
CREATE INDEX defender_offences_by_time ON defender_offences (occurred_at);
