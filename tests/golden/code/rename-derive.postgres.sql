-- Loupe: the table 'sales' as shown, from sales.csv.
-- Reads the table "sales".
-- Written for PostgreSQL by sqlglot from DuckDB's SQL.
WITH
-- The source, sales.csv, with each row's place in it (__loupe_row, from 0)
"s0" AS (
    SELECT ROW_NUMBER() OVER () - 1 AS "__loupe_row", * FROM "sales"
),
-- Step 1: Rename 'qty' to 'quantity'
"s1" AS (
    SELECT "__loupe_row", "city", "qty" AS "quantity", "price", "day", "note" FROM "s0"
),
-- Step 2: New column 'total' = quantity * price
"s2" AS (
    SELECT *, (quantity * price) AS "total" FROM "s1"
)
-- The view: sorted by total desc
SELECT "city", "quantity", "price", "day", "note", "total" FROM "s2" ORDER BY "total" DESC NULLS LAST, "__loupe_row";
