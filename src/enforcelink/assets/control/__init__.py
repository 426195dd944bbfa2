"""Control measures under one no-over-seizure budget (issue 15 §4, §5, §9; R-ASSET-02, R-ASSET-03,
R-FUND-04): `models` (ControlMeasure), `budget` (the case's budget and what is under control, read
with the case locked), `actions` (freeze, seize, deduct, release, detain a vehicle), `listeners`
(the units' confirmations, payments received and the obligation met), `views`/`api` (the case page's
controls and /api/v1/)."""
