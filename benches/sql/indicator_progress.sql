-- One indicator's progress in every scope that has a target (DESIGN.md §2b), on the reported
-- basis, as of the end of year @YEAR@, known now: the best SQL we could write for what
-- GET /api/v1/frameworks/@FW@/indicators/@IND@/progress?as_of=@YEAR@-12-31 answers.
-- Used by benches/indicators.py, which checks that it gives the API's figures.
WITH ind AS (
  SELECT i.id, i.direction FROM indicators i
  JOIN frameworks f ON f.id = i.framework_id
  WHERE f.code = '@FW@' AND i.code = '@IND@'
),
t AS (
  SELECT scope, baseline_year AS b, baseline_value AS x0, target_year AS tt, target_value AS xs
  FROM (SELECT it.*, row_number() OVER (PARTITION BY it.scope ORDER BY it.recorded_at DESC, it.id DESC) AS rn
        FROM indicator_targets it JOIN ind ON it.indicator_id = ind.id)
  WHERE rn = 1
),
o AS (
  SELECT scope, year, value
  FROM (SELECT io.scope, io.year, io.value,
               row_number() OVER (PARTITION BY io.scope, io.year ORDER BY io.recorded_at DESC, io.id DESC) AS rn
        FROM indicator_observations io JOIN ind ON io.indicator_id = ind.id
        WHERE io.year <= @YEAR@
          AND NOT EXISTS (SELECT 1 FROM observation_reviews r
                          WHERE r.observation_id = io.id AND r.decision = 'returned'))
  WHERE rn = 1
),
p AS (
  SELECT t.scope, t.b AS year, t.x0 AS x FROM t
  UNION ALL
  SELECT o.scope, o.year, o.value FROM o JOIN t ON t.scope = o.scope AND o.year > t.b
),
pw AS (SELECT p.scope, p.year, p.x, p.year - t.b + 1 AS w FROM p JOIN t ON t.scope = p.scope),
a AS (
  SELECT scope, count(*) AS n, max(year) AS tl,
         sum(w * year) * 1.0 / sum(w) AS yb, sum(w * x) / sum(w) AS xb
  FROM pw GROUP BY scope
),
fit AS (
  SELECT pw.scope, sum(pw.w * (pw.year - a.yb) * (pw.x - a.xb)) AS sxy,
         sum(pw.w * (pw.year - a.yb) * (pw.year - a.yb)) AS sxx
  FROM pw JOIN a ON a.scope = pw.scope GROUP BY pw.scope
),
l AS (SELECT pw.scope, pw.x AS xl FROM pw JOIN a ON a.scope = pw.scope AND pw.year = a.tl),
r AS (
  SELECT t.scope, a.n, a.tl, l.xl, t.x0, t.xs,
         CASE WHEN (SELECT direction FROM ind) = 'increase' THEN l.xl >= t.xs ELSE l.xl <= t.xs END AS met,
         (l.xl - t.x0) / (t.xs - t.x0) AS cs,
         min(1.0, max(0.0, (a.tl - t.b) * 1.0 / (t.tt - t.b))) AS expected,
         CASE WHEN a.n >= 3 THEN a.xb + (fit.sxy / fit.sxx) * (t.tt - a.yb) END AS av
  FROM t JOIN a ON a.scope = t.scope JOIN fit ON fit.scope = t.scope JOIN l ON l.scope = t.scope
)
SELECT scope, n, tl, xl,
       CASE WHEN n = 1 THEN NULL WHEN met THEN min(cs, 1.0) ELSE cs END AS current_status,
       expected, av, (av - x0) / (xs - x0) AS ap,
       CASE WHEN met THEN 'achieved'
            WHEN n < 3 THEN 'insufficient_data'
            WHEN (av - x0) / (xs - x0) >= 0.95 THEN 'on_track'
            WHEN (av - x0) / (xs - x0) >= 0.10 THEN 'needs_acceleration'
            WHEN (av - x0) / (xs - x0) >= 0.0 THEN 'stagnating'
            ELSE 'regressing' END AS class
FROM r ORDER BY scope;
