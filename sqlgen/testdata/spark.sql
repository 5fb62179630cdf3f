SELECT target_id, id FROM (
SELECT 1 AS n, seq, target_id, id
FROM elements
WHERE target_id = '1' AND target_type = 'file' AND kind = 'room'
  AND (id IN (SELECT id FROM properties WHERE target_id = '1' AND kind = 'room' AND key = 'floor' AND (value_kind = 'string' AND value_text = 'F01'))
    AND (id IN (SELECT id FROM properties WHERE target_id = '1' AND kind = 'room' AND key = 'name' AND instr(value_text, 'it\'s') > 0)
      OR id IN (SELECT id FROM properties WHERE target_id = '1' AND kind = 'room' AND key = 'name' AND value_text LIKE '50\\% off\\_%\\\\' ESCAPE '\\'))
    AND NOT id IN (SELECT id FROM properties WHERE target_id = '1' AND kind = 'room' AND key = '面积' AND value_num >= 1E+00 AND value_num <= 2.5E+00)
    AND id IN (SELECT id FROM properties WHERE target_id = '1' AND kind = 'room' AND key = '长度' AND (value_num = 3E+03 OR ((value_kind = 'string' AND value_text = '3000') OR (value_kind = 'number' AND value_num = 3E+03)) OR (value_kind IN ('boolean', 'string') AND value_text = 'true')))
    AND id IN (SELECT id FROM properties WHERE target_id = '1' AND kind = 'room' AND key = 'flag' AND (value_kind IN ('string', 'boolean') AND value_text = 'true'))
    AND id IN (SELECT id FROM properties WHERE target_id = '1' AND kind = 'room' AND key = 'big' AND value_num > CAST('Infinity' AS DOUBLE))
    AND id IN (SELECT id FROM properties WHERE target_id = '1' AND kind = 'room' AND key = 'code' AND (value_kind = 'string' AND value_text = 'a\\b'))
    AND NOT id IN (SELECT id FROM properties WHERE target_id = '1' AND kind = 'room' AND key = 'x' AND value_kind IS NOT NULL)
    AND id IN (SELECT id FROM properties WHERE target_id = '1' AND kind = 'room' AND key = 'y' AND value_kind IS NOT NULL)
    AND id IN (SELECT id FROM properties WHERE target_id = '1' AND kind = 'room' AND key = 'z' AND value_num < 0E+00)
    AND id IN (SELECT id FROM properties WHERE target_id = '1' AND kind = 'room' AND key = 'boundingBox.min.x' AND value_num >= 1E-01))
  UNION ALL
SELECT 2 AS n, seq, target_id, id
FROM elements
WHERE target_id = '2' AND target_type = 'file' AND kind = 'room'
  AND (id IN (SELECT id FROM properties WHERE target_id = '2' AND kind = 'room' AND key = 'floor' AND (value_kind = 'string' AND value_text = 'F01'))
    AND (id IN (SELECT id FROM properties WHERE target_id = '2' AND kind = 'room' AND key = 'name' AND instr(value_text, 'it\'s') > 0)
      OR id IN (SELECT id FROM properties WHERE target_id = '2' AND kind = 'room' AND key = 'name' AND value_text LIKE '50\\% off\\_%\\\\' ESCAPE '\\'))
    AND NOT id IN (SELECT id FROM properties WHERE target_id = '2' AND kind = 'room' AND key = '面积' AND value_num >= 1E+00 AND value_num <= 2.5E+00)
    AND id IN (SELECT id FROM properties WHERE target_id = '2' AND kind = 'room' AND key = '长度' AND (value_num = 3E+03 OR ((value_kind = 'string' AND value_text = '3000') OR (value_kind = 'number' AND value_num = 3E+03)) OR (value_kind IN ('boolean', 'string') AND value_text = 'true')))
    AND id IN (SELECT id FROM properties WHERE target_id = '2' AND kind = 'room' AND key = 'flag' AND (value_kind IN ('string', 'boolean') AND value_text = 'true'))
    AND id IN (SELECT id FROM properties WHERE target_id = '2' AND kind = 'room' AND key = 'big' AND value_num > CAST('Infinity' AS DOUBLE))
    AND id IN (SELECT id FROM properties WHERE target_id = '2' AND kind = 'room' AND key = 'code' AND (value_kind = 'string' AND value_text = 'a\\b'))
    AND NOT id IN (SELECT id FROM properties WHERE target_id = '2' AND kind = 'room' AND key = 'x' AND value_kind IS NOT NULL)
    AND id IN (SELECT id FROM properties WHERE target_id = '2' AND kind = 'room' AND key = 'y' AND value_kind IS NOT NULL)
    AND id IN (SELECT id FROM properties WHERE target_id = '2' AND kind = 'room' AND key = 'z' AND value_num < 0E+00)
    AND id IN (SELECT id FROM properties WHERE target_id = '2' AND kind = 'room' AND key = 'boundingBox.min.x' AND value_num >= 1E-01))
) AS r
ORDER BY n, seq;
