-- One row per source address with offences in the observation window: the row a node locks before it scores
-- an offence of that address. Offences of one address scored on several nodes at once are then summed one
-- after another, each seeing the points committed before it, so the one that reaches the ban threshold knows
-- it (V14 alone let concurrent offences each see a sum without the others and none of them ban).
-- cleared_at: offences up to this time no longer count (the address was banned or unbanned since).

CREATE TABLE defender_scores (
    address      VARCHAR(64) PRIMARY KEY,
    last_offence BIGINT      NOT NULL,
    cleared_at   BIGINT      NOT NULL
);
INSERT INTO defender_scores (address, last_offence, cleared_at)
    SELECT address, MAX(occurred_at), 0 FROM defender_offences GROUP BY address;
