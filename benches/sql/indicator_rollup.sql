-- Every (non-retired) indicator of @FW@ in scope ASEAN as of the end of year @YEAR@ (reported
-- basis, known now), rolled up to the framework's top-level nodes (goals): how many
-- indicators, the mean current status of those with one, and the count of each class — the
-- best SQL we could write for GET /api/v1/frameworks/@FW@/indicator-progress?as_of=@YEAR@-12-31
-- (scope ASEAN, level goal). Used by benches/indicators.py, which checks it against the API.
WITH RECURSIVE fw AS (SELECT id FROM frameworks WHERE code = '@FW@'),
top(node_id, goal) AS (
  SELECT n.id, n.code FROM nodes n JOIN fw ON n.framework_id = fw.id WHERE n.parent_id IS NULL
  UNION ALL
  SELECT n.id, top.goal FROM nodes n JOIN top ON n.parent_id = top.node_id
),
ind AS (SELECT i.id, i.direction, i.node_id FROM indicators i JOIN fw ON i.framework_id = fw.id WHERE NOT i.retired),
t AS (
  SELECT indicator_id, baseline_year AS b, baseline_value AS x0, target_year AS tt, target_value AS xs
  FROM (SELECT it.*, row_number() OVER (PARTITION BY it.indicator_id ORDER BY it.recorded_at DESC, it.id DESC) AS rn
        FROM indicator_targets it JOIN ind ON it.indicator_id = ind.id WHERE it.scope = 'ASEAN')
  WHERE rn = 1
),
o AS (
  SELECT indicator_id, year, value
  FROM (SELECT io.indicator_id, io.year, io.value,
               row_number() OVER (PARTITION BY io.indicator_id, io.year ORDER BY io.recorded_at DESC, io.id DESC) AS rn
        FROM indicator_observations io JOIN ind ON io.indicator_id = ind.id
        WHERE io.scope = 'ASEAN' AND io.year <= @YEAR@
          AND NOT EXISTS (SELECT 1 FROM observation_reviews r
                          WHERE r.observation_id = io.id AND r.decision = 'returned'))
  WHERE rn = 1
),
p AS (
  SELECT t.indicator_id, t.b AS year, t.x0 AS x FROM t
  UNION ALL
  SELECT o.indicator_id, o.year, o.value FROM o JOIN t ON t.indicator_id = o.indicator_id AND o.year > t.b
),
pw AS (SELECT p.indicator_id, p.year, p.x, p.year - t.b + 1 AS w FROM p JOIN t ON t.indicator_id = p.indicator_id),
a AS (
  SELECT indicator_id, count(*) AS n, max(year) AS tl,
         sum(w * year) * 1.0 / sum(w) AS yb, sum(w * x) / sum(w) AS xb
  FROM pw GROUP BY indicator_id
),
fit AS (
  SELECT pw.indicator_id, sum(pw.w * (pw.year - a.yb) * (pw.x - a.xb)) AS sxy,
         sum(pw.w * (pw.year - a.yb) * (pw.year - a.yb)) AS sxx
  FROM pw JOIN a ON a.indicator_id = pw.indicator_id GROUP BY pw.indicator_id
),
l AS (SELECT pw.indicator_id, pw.x AS xl FROM pw JOIN a ON a.indicator_id = pw.indicator_id AND pw.year = a.tl),
r AS (
  SELECT ind.id, ind.node_id, a.n, t.x0, t.xs,
         CASE WHEN ind.direction = 'increase' THEN l.xl >= t.xs ELSE l.xl <= t.xs END AS met,
         (l.xl - t.x0) / (t.xs - t.x0) AS cs,
         CASE WHEN a.n >= 3 THEN a.xb + (fit.sxy / fit.sxx) * (t.tt - a.yb) END AS av
  FROM ind JOIN t ON t.indicator_id = ind.id JOIN a ON a.indicator_id = ind.id
  JOIN fit ON fit.indicator_id = ind.id JOIN l ON l.indicator_id = ind.id
),
c AS (
  SELECT ind.id, ind.node_id,
         CASE WHEN r.n = 1 OR r.n IS NULL THEN NULL WHEN r.met THEN min(r.cs, 1.0) ELSE r.cs END AS cs,
         CASE WHEN r.id IS NULL THEN 'no_target'
              WHEN r.met THEN 'achieved'
              WHEN r.n < 3 THEN 'insufficient_data'
              WHEN (r.av - r.x0) / (r.xs - r.x0) >= 0.95 THEN 'on_track'
              WHEN (r.av - r.x0) / (r.xs - r.x0) >= 0.10 THEN 'needs_acceleration'
              WHEN (r.av - r.x0) / (r.xs - r.x0) >= 0.0 THEN 'stagnating'
              ELSE 'regressing' END AS class
  FROM ind LEFT JOIN r ON r.id = ind.id
)
SELECT top.goal, count(*) AS indicators, avg(c.cs) AS mean_current_status, count(c.cs) AS with_status,
       sum(c.class = 'achieved'), sum(c.class = 'insufficient_data'), sum(c.class = 'on_track'),
       sum(c.class = 'needs_acceleration'), sum(c.class = 'stagnating'), sum(c.class = 'regressing'),
       sum(c.class = 'no_target')
FROM c JOIN top ON top.node_id = c.node_id
GROUP BY top.goal ORDER BY top.goal;
