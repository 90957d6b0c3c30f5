-- Loupe: the table 'sales' as shown, from sales.csv.
-- Reads the table "sales".
WITH
-- The source, sales.csv, with each row's place in it (__loupe_row, from 0)
"s0" AS (
    SELECT rowid AS "__loupe_row", * FROM "sales"
)
-- The view: 3 filters
SELECT "city", "qty", "price", "day", "note" FROM "s0" WHERE "note" IS NOT NULL AND (("city" IN ('Oslo'))) IS NOT TRUE AND contains(lower("note"), lower('o')) ORDER BY "__loupe_row";
