SELECT elementId FROM file 1124890692330272 WHERE floor LIKE '%F%' AND family = '标准'
