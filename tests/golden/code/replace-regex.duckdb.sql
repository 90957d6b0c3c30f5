-- Loupe: the table 'sales' as shown, from sales.csv.
-- Reads the table "sales".
WITH
-- The source, sales.csv, with each row's place in it (__loupe_row, from 0)
"s0" AS (
    SELECT rowid AS "__loupe_row", * FROM "sales"
),
-- Step 1: Replace matches of the pattern '[0-9]+' with '#' in 'note'
"s1" AS (
    SELECT * REPLACE (regexp_replace("note", '[0-9]+', '#', 'gc') AS "note") FROM "s0"
)
-- The view: every row and column
SELECT "city", "qty", "price", "day", "note" FROM "s1" ORDER BY "__loupe_row";
