-- Loupe: the table 'sales' as shown, from sales.csv.
-- Reads the table "sales".
-- Written for PostgreSQL by sqlglot from DuckDB's SQL.
WITH
-- The source, sales.csv, with each row's place in it (__loupe_row, from 0)
"s0" AS (
    SELECT ROW_NUMBER() OVER () - 1 AS "__loupe_row", * FROM "sales"
),
-- Step 1: Replace matches of the pattern '[0-9]+' with '#' in 'note'
"s1" AS (
    SELECT "__loupe_row", "city", "qty", "price", "day", REGEXP_REPLACE("note", '[0-9]+', '#', 'gc') AS "note" FROM "s0"
)
-- The view: every row and column
SELECT "city", "qty", "price", "day", "note" FROM "s1" ORDER BY "__loupe_row";
