WITH r AS (
  SELECT target_id, id, CASE target_id WHEN '1' THEN 1 WHEN '2' THEN 2 END * 4294967296 + seq AS o
  FROM elements AS e
  WHERE target_id IN ('1', '2') AND target_type = 'file' AND kind = 'element'
    AND EXISTS (SELECT 1 FROM properties AS p WHERE p.target_id IN ('1', '2') AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = 'categoryName' AND (value_kind = 'string' AND value_text = 'it''s'))
),
f AS (
  SELECT target_id, id, key, value_kind, value_text, value_num
  FROM (SELECT target_id, id, key, value_kind, value_text, value_num, row_number() OVER (PARTITION BY target_id, id, key ORDER BY pos) AS rn
        FROM properties
        WHERE target_id IN ('1', '2') AND kind = 'element' AND key IN ('floor', '体积', 'familyType', '面积', 'name', '长度') AND value_kind IS NOT NULL) AS p
  WHERE rn = 1
),
j AS (
  SELECT r.o, r.target_id, r.id, f1.value_kind AS v1_k, f1.value_text AS v1_x, f1.value_num AS v1_n, f2.value_kind AS v2_k, f2.value_text AS v2_x, f2.value_num AS v2_n, f3.value_kind AS v3_k, f3.value_text AS v3_x, f3.value_num AS v3_n, f4.value_kind AS v4_k, f4.value_text AS v4_x, f4.value_num AS v4_n, f5.value_kind AS v5_k, f5.value_text AS v5_x, f5.value_num AS v5_n, f6.value_kind AS v6_k, f6.value_text AS v6_x, f6.value_num AS v6_n
  FROM r
  LEFT JOIN f AS f1 ON f1.target_id = r.target_id AND f1.id = r.id AND f1.key = 'floor'
  LEFT JOIN f AS f2 ON f2.target_id = r.target_id AND f2.id = r.id AND f2.key = '体积'
  LEFT JOIN f AS f3 ON f3.target_id = r.target_id AND f3.id = r.id AND f3.key = 'familyType'
  LEFT JOIN f AS f4 ON f4.target_id = r.target_id AND f4.id = r.id AND f4.key = '面积'
  LEFT JOIN f AS f5 ON f5.target_id = r.target_id AND f5.id = r.id AND f5.key = 'name'
  LEFT JOIN f AS f6 ON f6.target_id = r.target_id AND f6.id = r.id AND f6.key = '长度'
),
w AS (
  SELECT *,
    row_number() OVER (PARTITION BY target_id, v1_k, v1_x, v1_n, v5_k IS NULL ORDER BY CASE WHEN v5_n IS NULL THEN 1 ELSE 0 END, v5_n, CASE WHEN v5_n IS NULL THEN v5_x END, o) AS w7,
    row_number() OVER (PARTITION BY target_id, v1_k, v1_x, v1_n, v6_k IS NULL ORDER BY CASE WHEN v6_n IS NULL THEN 1 ELSE 0 END, v6_n DESC, CASE WHEN v6_n IS NULL THEN v6_x END DESC, o) AS w8
  FROM j
),
g AS (
  SELECT min(o) AS o, v1_k, v1_x, v1_n, target_id,
    count(*) AS a2,
    count(v2_k) AS a3,
    count(DISTINCT v3_k || ':' || v3_x) AS a4,
    list_reduce(list(v2_n ORDER BY o) FILTER (WHERE v2_n IS NOT NULL), lambda s, x: s + x, 0E+00) AS a5,
    list_reduce(list(v4_n ORDER BY o) FILTER (WHERE v4_n IS NOT NULL), lambda s, x: s + x, 0E+00) AS a6, count(v4_n) AS a6_n,
    max(CASE WHEN w7 = 1 AND v5_k IS NOT NULL THEN v5_k END) AS a7_k,
    max(CASE WHEN w7 = 1 AND v5_k IS NOT NULL THEN v5_x END) AS a7_x,
    max(CASE WHEN w7 = 1 AND v5_k IS NOT NULL THEN v5_n END) AS a7_n,
    max(CASE WHEN w8 = 1 AND v6_k IS NOT NULL THEN v6_k END) AS a8_k,
    max(CASE WHEN w8 = 1 AND v6_k IS NOT NULL THEN v6_x END) AS a8_x,
    max(CASE WHEN w8 = 1 AND v6_k IS NOT NULL THEN v6_n END) AS a8_n
  FROM w
  GROUP BY target_id, v1_k, v1_x, v1_n
),
s AS (
  SELECT o,
    'string' AS c0_k, target_id AS c0_x, CASE target_id WHEN '1' THEN 1E+00 WHEN '2' THEN 2E+00 END AS c0_n,
    v1_k AS c1_k, v1_x AS c1_x, v1_n AS c1_n,
    'number' AS c2_k, CAST(a2 AS VARCHAR) AS c2_x, a2 AS c2_n,
    'number' AS c3_k, CAST(a3 AS VARCHAR) AS c3_x, a3 AS c3_n,
    'number' AS c4_k, CAST(a4 AS VARCHAR) AS c4_x, a4 AS c4_n,
    CASE WHEN a5 - a5 = 0 THEN 'number' END AS c5_k, NULL AS c5_x, CASE WHEN a5 - a5 = 0 THEN a5 END AS c5_n,
    CASE WHEN a6 / a6_n - a6 / a6_n = 0 THEN 'number' END AS c6_k, NULL AS c6_x, CASE WHEN a6 / a6_n - a6 / a6_n = 0 THEN a6 / a6_n END AS c6_n,
    a7_k AS c7_k, a7_x AS c7_x, a7_n AS c7_n,
    a8_k AS c8_k, a8_x AS c8_x, a8_n AS c8_n,
    v1_k AS c9_k, v1_x AS c9_x, v1_n AS c9_n
  FROM g
)
SELECT c0_x AS "targetId", c1_x AS "f", c2_n AS "n", c3_n AS "COUNT(体积)", c4_n AS "COUNT(DISTINCT familyType)", c5_n AS "SUM(体积)", c6_n AS "AVG(面积)", c7_x AS "MIN(name)", c8_x AS "MAX(长度)"
FROM s
WHERE (COALESCE(c2_n > 2E+00, FALSE)
  AND NOT COALESCE((c1_k = 'string' AND c1_x = 'F01'), FALSE))
ORDER BY CASE WHEN c5_k IS NULL THEN 2 WHEN c5_n IS NOT NULL THEN 1 ELSE 0 END, c5_n DESC, CASE WHEN c5_n IS NULL THEN c5_x END DESC, CASE WHEN c1_k IS NULL THEN 2 WHEN c1_n IS NOT NULL THEN 0 ELSE 1 END, c1_n ASC, CASE WHEN c1_n IS NULL THEN c1_x END ASC, o
LIMIT 10 OFFSET 5;

WITH r AS (
  SELECT target_id, id, seq AS o
  FROM elements AS e
  WHERE target_id = '1' AND target_type = 'file' AND kind = 'room'
),
f AS (
  SELECT target_id, id, key, value_kind, value_text, value_num
  FROM (SELECT target_id, id, key, value_kind, value_text, value_num, row_number() OVER (PARTITION BY target_id, id, key ORDER BY pos) AS rn
        FROM properties
        WHERE target_id = '1' AND kind = 'room' AND key IN ('name', '面积') AND value_kind IS NOT NULL) AS p
  WHERE rn = 1
),
j AS (
  SELECT r.o, r.target_id, r.id, f1.value_kind AS v1_k, f1.value_text AS v1_x, f1.value_num AS v1_n, f2.value_kind AS v2_k, f2.value_text AS v2_x, f2.value_num AS v2_n
  FROM r
  LEFT JOIN f AS f1 ON f1.target_id = r.target_id AND f1.id = r.id AND f1.key = 'name'
  LEFT JOIN f AS f2 ON f2.target_id = r.target_id AND f2.id = r.id AND f2.key = '面积'
),
s AS (
  SELECT o,
    v1_k AS c0_k, v1_x AS c0_x, v1_n AS c0_n,
    v2_k AS c1_k, v2_x AS c1_x, v2_n AS c1_n
  FROM j
),
d AS (
  SELECT min(o) AS o, c0_k, c0_x, c0_n, c1_k, c1_x, c1_n
  FROM s
  GROUP BY c0_k, c0_x, c0_n, c1_k, c1_x, c1_n
)
SELECT c0_x AS "name", c1_x AS "面积"
FROM d
ORDER BY CASE WHEN c1_k IS NULL THEN 2 WHEN c1_n IS NOT NULL THEN 1 ELSE 0 END, c1_n DESC, CASE WHEN c1_n IS NULL THEN c1_x END DESC, CASE WHEN c0_k IS NULL THEN 2 WHEN c0_n IS NOT NULL THEN 0 ELSE 1 END, c0_n ASC, CASE WHEN c0_n IS NULL THEN c0_x END ASC, o
LIMIT 3;

WITH r AS (
  SELECT target_id, id, seq AS o
  FROM elements AS e
  WHERE target_id = '1' AND target_type = 'file' AND kind = 'element'
),
f AS (
  SELECT target_id, id, key, value_kind, value_text, value_num
  FROM (SELECT target_id, id, key, value_kind, value_text, value_num, row_number() OVER (PARTITION BY target_id, id, key ORDER BY pos) AS rn
        FROM properties
        WHERE target_id = '1' AND kind = 'element' AND key IN ('name') AND value_kind IS NOT NULL) AS p
  WHERE rn = 1
),
j AS (
  SELECT r.o, r.target_id, r.id, f1.value_kind AS v1_k, f1.value_text AS v1_x, f1.value_num AS v1_n
  FROM r
  LEFT JOIN f AS f1 ON f1.target_id = r.target_id AND f1.id = r.id AND f1.key = 'name'
),
s AS (
  SELECT o,
    'string' AS c0_k, id AS c0_x, CASE WHEN regexp_full_match(id, '^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$') THEN CAST(id AS DOUBLE) END AS c0_n,
    v1_k AS c1_k, v1_x AS c1_x, v1_n AS c1_n
  FROM j
)
SELECT c0_x AS "elementId", c1_x AS "a\b"
FROM s
ORDER BY CASE WHEN c0_k IS NULL THEN 2 WHEN c0_n IS NOT NULL THEN 0 ELSE 1 END, c0_n ASC, CASE WHEN c0_n IS NULL THEN c0_x END ASC, o
LIMIT 4 OFFSET 2;

