-- No planner statistics of changes.record, the whole JSON document of each change: no query
-- filters or joins on it, and collecting them (sorting 30,000 documents) was more than half of
-- every ANALYZE of the change log, which the server runs after large bulk writes
-- (server/db/analyze.c): 260 -> 116 ms at 100,000 changes.
ALTER TABLE changes ALTER COLUMN record SET STATISTICS 0;
