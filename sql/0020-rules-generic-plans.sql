-- rules_evaluate() runs its query of candidate records once per rule and trigger dataset, a
-- dozen times per write. PostgreSQL planned each run again for its values (a custom plan)
-- whenever its estimates made that look cheaper than the plan made once for any value, which
-- they did or did not depending on the table's statistics: a single write's rules took 6 ms
-- when planned each time, 0.5 ms with the one plan, whose branches for other datasets a
-- one-time filter skips. A bulk of 1,000 costs the same either way (50 ms). The functions it
-- calls (samples_refresh, rules_check) run under the same setting; the check_sql of each rule
-- is still planned for its values (EXECUTE).
ALTER FUNCTION rules_evaluate(text, text[], text, text) SET plan_cache_mode = force_generic_plan;
