-- Loupe: the table 'sales' as shown, from sales.csv.
-- Reads the table "sales".
-- Written for PostgreSQL by sqlglot from DuckDB's SQL.
WITH
-- The source, sales.csv, with each row's place in it (__loupe_row, from 0)
"s0" AS (
    SELECT ROW_NUMBER() OVER () - 1 AS "__loupe_row", * FROM "sales"
)
-- The view: 3 filters
SELECT "city", "qty", "price", "day", "note" FROM "s0" WHERE NOT "note" IS NULL AND NOT (("city" IN ('Oslo'))) IS TRUE AND POSITION(LOWER('o') IN LOWER("note")) > 0 ORDER BY "__loupe_row";
