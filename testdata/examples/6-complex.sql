SELECT elementId
FROM   file 1124890692330272
WHERE  floor CONTAINS 'B01' AND familyType CONTAINS '标准'
  AND  family = 'family1'
  AND  (categoryId = 'id111' AND boundingBox.min.x = 167899.9999999998)
  AND  (productID = "KDKE-B-9947-#kL5"
        OR (productID = "JODL-X-1937-#pV7" AND price = 30))
