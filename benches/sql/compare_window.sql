-- The same figures with a window function: rank every report of the framework effective on or
-- before @AS_OF@ within its (measure, scope) pair and keep the first; pairs with no report are
-- not started.
WITH
fw AS (SELECT id FROM frameworks WHERE code = '@FW@'),
measures AS (SELECT n.id AS measure_id FROM nodes n JOIN fw ON n.framework_id = fw.id WHERE n.is_measure),
scopes AS (
  SELECT 'ASEAN' AS scope
  UNION ALL
  SELECT m.code FROM participations p JOIN member_states m ON m.id = p.member_state_id JOIN fw ON p.framework_id = fw.id
  WHERE p.from_date <= '@AS_OF@' AND (p.until_date IS NULL OR p.until_date >= '@AS_OF@')
),
ranked AS MATERIALIZED (
  SELECT measure_id, scope, status, progress FROM (
    SELECT r.measure_id, r.scope, r.status, r.progress,
      row_number() OVER (PARTITION BY r.measure_id, r.scope
                         ORDER BY r.effective_date DESC, r.recorded_at DESC, r.id DESC) AS rn
    FROM status_reports r JOIN fw ON r.framework_id = fw.id
    WHERE r.effective_date <= '@AS_OF@')
  WHERE rn = 1
),
cells AS MATERIALIZED (
  SELECT m.measure_id, s.scope, coalesce(r.status, 'not_started') AS status,
    CASE coalesce(r.status, 'not_started') WHEN 'completed' THEN 100 WHEN 'ongoing' THEN coalesce(r.progress, 50) ELSE 0 END AS points
  FROM measures m CROSS JOIN scopes s
  LEFT JOIN ranked r ON r.measure_id = m.measure_id AND r.scope = s.scope
),
weakest AS (
  SELECT measure_id,
    min(CASE status WHEN 'completed' THEN 2 WHEN 'ongoing' THEN 1 WHEN 'not_started' THEN 0 END) AS rank,
    min(CASE WHEN status <> 'not_applicable' THEN points END) AS points
  FROM cells WHERE scope <> 'ASEAN' GROUP BY measure_id
)
SELECT scope, count(*), sum(status = 'completed'), sum(status = 'ongoing'), sum(status = 'not_started'),
       sum(status = 'not_applicable'), sum(CASE WHEN status <> 'not_applicable' THEN points ELSE 0 END)
FROM cells GROUP BY scope
UNION ALL
SELECT 'cells', count(*), sum(status = 'completed'), sum(status = 'ongoing'), sum(status = 'not_started'),
       sum(status = 'not_applicable'), sum(CASE WHEN status <> 'not_applicable' THEN points ELSE 0 END)
FROM cells WHERE scope <> 'ASEAN'
UNION ALL
SELECT 'all_states', count(*), sum(rank = 2), sum(rank = 1), sum(rank = 0), sum(rank IS NULL), coalesce(sum(points), 0)
FROM weakest;
