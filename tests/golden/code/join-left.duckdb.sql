-- Loupe: the table 'sales' as shown, from sales.csv.
-- Reads the tables "sales", "cities".
WITH
-- The source, sales.csv, with each row's place in it (__loupe_row, from 0)
"s0" AS (
    SELECT rowid AS "__loupe_row", * FROM "sales"
),
-- Step 1: Join 'cities' (left: all rows here) on city = city; its columns whose names are taken get '_cities'
"s1" AS (
    SELECT "__l"."__loupe_row" AS "__loupe_row", "__l"."city", "__l"."qty", "__l"."price", "__l"."day", "__l"."note", "__r"."country", "__r"."size" FROM "s0" AS "__l" LEFT JOIN "cities" AS "__r" ON "__l"."city" = "__r"."city"
)
-- The view: sorted by city asc
SELECT "city", "qty", "price", "day", "note", "country", "size" FROM "s1" ORDER BY "city" ASC NULLS LAST, "__loupe_row";
