-- Up Migration
-- What the lifecycle scheduler looks at every tick (each minute): enabled rules by when they were
-- last scheduled. Its own migration because 0190 has been applied already.
create index lifecycle_rules_due on lifecycle_rules (last_scheduled_at) where enabled;

-- Down Migration
drop index lifecycle_rules_due;
