SELECT target_id, id
FROM elements AS e
WHERE target_id IN ('1', '2') AND target_type = 'file' AND kind = 'room'
  AND (EXISTS (SELECT 1 FROM properties AS p WHERE p.target_id IN ('1', '2') AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = 'floor' AND (value_kind = 'string' AND value_text = 'F01'))
    AND (EXISTS (SELECT 1 FROM properties AS p WHERE p.target_id IN ('1', '2') AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = 'name' AND strpos(value_text, 'it''s') > 0)
      OR EXISTS (SELECT 1 FROM properties AS p WHERE p.target_id IN ('1', '2') AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = 'name' AND value_text LIKE '50\% off\_%\\' ESCAPE '\'))
    AND NOT EXISTS (SELECT 1 FROM properties AS p WHERE p.target_id IN ('1', '2') AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = '面积' AND value_num >= 1E+00 AND value_num <= 2.5E+00)
    AND EXISTS (SELECT 1 FROM properties AS p WHERE p.target_id IN ('1', '2') AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = '长度' AND (value_num = 3E+03 OR ((value_kind = 'string' AND value_text = '3000') OR (value_kind = 'number' AND value_num = 3E+03)) OR (value_kind IN ('boolean', 'string') AND value_text = 'true')))
    AND EXISTS (SELECT 1 FROM properties AS p WHERE p.target_id IN ('1', '2') AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = 'flag' AND (value_kind IN ('string', 'boolean') AND value_text = 'true'))
    AND EXISTS (SELECT 1 FROM properties AS p WHERE p.target_id IN ('1', '2') AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = 'big' AND value_num > infinity())
    AND EXISTS (SELECT 1 FROM properties AS p WHERE p.target_id IN ('1', '2') AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = 'code' AND (value_kind = 'string' AND value_text = 'a\b'))
    AND NOT EXISTS (SELECT 1 FROM properties AS p WHERE p.target_id IN ('1', '2') AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = 'x' AND value_kind IS NOT NULL)
    AND EXISTS (SELECT 1 FROM properties AS p WHERE p.target_id IN ('1', '2') AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = 'y' AND value_kind IS NOT NULL)
    AND EXISTS (SELECT 1 FROM properties AS p WHERE p.target_id IN ('1', '2') AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = 'z' AND value_num < 0E+00)
    AND EXISTS (SELECT 1 FROM properties AS p WHERE p.target_id IN ('1', '2') AND p.target_id = e.target_id AND p.kind = e.kind AND p.id = e.id AND p.key = 'boundingBox.min.x' AND value_num >= 1E-01))
ORDER BY CASE target_id WHEN '1' THEN 1 WHEN '2' THEN 2 END, seq;
