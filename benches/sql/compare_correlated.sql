-- The member-state comparison as of @AS_OF@, in SQL: for every (measure, scope) pair the report
-- in force (greatest effective date <= as_of, then recorded last, then greatest id), found by one
-- index seek per pair (ix_status_reports_measure_scope_effective, or the covering bench index);
-- then counts per scope, the weakest-link `all_states` row and the pooled `cells` row.
WITH
fw AS (SELECT id FROM frameworks WHERE code = '@FW@'),
measures AS (SELECT n.id AS measure_id FROM nodes n JOIN fw ON n.framework_id = fw.id WHERE n.is_measure),
scopes AS (
  SELECT 'ASEAN' AS scope
  UNION ALL
  SELECT m.code FROM participations p JOIN member_states m ON m.id = p.member_state_id JOIN fw ON p.framework_id = fw.id
  WHERE p.from_date <= '@AS_OF@' AND (p.until_date IS NULL OR p.until_date >= '@AS_OF@')
),
latest AS MATERIALIZED (
  SELECT m.measure_id, s.scope,
    (SELECT r.id FROM status_reports r
      WHERE r.measure_id = m.measure_id AND r.scope = s.scope AND r.effective_date <= '@AS_OF@'
      ORDER BY r.effective_date DESC, r.recorded_at DESC, r.id DESC LIMIT 1) AS report_id
  FROM measures m CROSS JOIN scopes s
),
cells AS MATERIALIZED (
  SELECT l.measure_id, l.scope, coalesce(r.status, 'not_started') AS status,
    CASE coalesce(r.status, 'not_started') WHEN 'completed' THEN 100 WHEN 'ongoing' THEN coalesce(r.progress, 50) ELSE 0 END AS points
  FROM latest l LEFT JOIN status_reports r ON r.id = l.report_id
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
