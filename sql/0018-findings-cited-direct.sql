-- Every write looks up the open findings that cite its records (rules_evaluate: `cited && keys`,
-- once per rule and trigger dataset). With GIN's fast update, new findings wait in a pending
-- list that each lookup reads through whole, once for every key it looks for, until a vacuum
-- merges it; the list grows with the findings added between vacuums, which autovacuum lets grow
-- with the table (a fifth of it). Measured with 2,500 findings and 226 pending: 25 ms for the
-- 1,000 keys of a bulk, 3.2 ms once merged. Findings are written far less often than looked up:
-- they go into the index directly.
ALTER INDEX findings_cited SET (fastupdate = off);
SELECT gin_clean_pending_list('findings_cited'::regclass);
