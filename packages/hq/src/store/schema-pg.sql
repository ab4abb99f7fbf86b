-- Results store in PostgreSQL (results_database.db_uri = postgresql://...): the same logical tables
-- as schema.sql (SQLite), in one database for many runs. `run` has one row per run; every other
-- table is keyed by run_id. Created if missing (the HQ runs this at every start). Times are Unix
-- epoch seconds (double precision). The reporter copies one run's rows into the SQLite layout.

CREATE TABLE IF NOT EXISTS run (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- what `oct rebuild-results --run` takes
  run_uuid TEXT NOT NULL UNIQUE,     -- the HQ's run id (session run_id), also accepted by --run
  project TEXT NOT NULL,
  started_at DOUBLE PRECISION,
  stopped_at DOUBLE PRECISION,
  finished_at DOUBLE PRECISION,
  run_time DOUBLE PRECISION NOT NULL,
  results_ts_interval DOUBLE PRECISION NOT NULL,
  config_json TEXT NOT NULL,
  hq_version TEXT NOT NULL,
  outcome TEXT
);

CREATE TABLE IF NOT EXISTS turret (
  run_id BIGINT NOT NULL REFERENCES run (id) ON DELETE CASCADE,
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name TEXT NOT NULL,
  canons INTEGER,
  script TEXT,
  uuid TEXT NOT NULL,
  rampup DOUBLE PRECISION,
  status TEXT NOT NULL,
  updated_at DOUBLE PRECISION NOT NULL,
  protocol TEXT,
  capabilities TEXT,
  results_sent BIGINT,
  results_stored BIGINT NOT NULL DEFAULT 0,
  curve_key TEXT,
  firing_from DOUBLE PRECISION,      -- when it began firing for this run (running status or first result)
  firing_until DOUBLE PRECISION,     -- when it stopped (first status not running after, or last result)
  canons_abandoned BIGINT,           -- canons it abandoned after the stop grace time (spec 4.3.6), NULL if it said none
  UNIQUE (run_id, uuid)
);
-- Columns added since the table was first made: a database an earlier HQ made gets them here (only
-- then: an ALTER TABLE would lock the table at every start, while other runs write to it).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'turret' AND column_name = 'firing_from') THEN
    ALTER TABLE turret ADD COLUMN firing_from DOUBLE PRECISION, ADD COLUMN firing_until DOUBLE PRECISION;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'turret' AND column_name = 'canons_abandoned') THEN
    ALTER TABLE turret ADD COLUMN canons_abandoned BIGINT;
  END IF;
END $$;

-- No foreign key on the result tables: a key check per row would cost COPY its speed; the HQ
-- writes the run row before any result.
CREATE TABLE IF NOT EXISTS result (
  run_id BIGINT NOT NULL,
  id BIGINT GENERATED ALWAYS AS IDENTITY,
  turret_name TEXT,
  elapsed DOUBLE PRECISION NOT NULL,
  epoch DOUBLE PRECISION NOT NULL,
  scriptrun_time DOUBLE PRECISION NOT NULL,
  error TEXT NOT NULL,
  custom_timers TEXT NOT NULL,
  turret_uuid TEXT,
  seq BIGINT,
  setup_failed BOOLEAN               -- true: a canon's failed setup, not a transaction (spec 5.3.2), else NULL
);
CREATE INDEX IF NOT EXISTS result_run ON result (run_id, id);

CREATE TABLE IF NOT EXISTS quarantine (
  run_id BIGINT NOT NULL,
  id BIGINT GENERATED ALWAYS AS IDENTITY,
  reason TEXT NOT NULL,
  turret_name TEXT,
  elapsed DOUBLE PRECISION NOT NULL,
  epoch DOUBLE PRECISION NOT NULL,
  scriptrun_time DOUBLE PRECISION NOT NULL,
  error TEXT NOT NULL,
  custom_timers TEXT NOT NULL,
  turret_uuid TEXT,
  seq BIGINT,
  setup_failed BOOLEAN
);
CREATE INDEX IF NOT EXISTS quarantine_run ON quarantine (run_id, id);
-- The results' columns added since the tables were first made: a database an earlier HQ made gets
-- them here, once (a nullable column without a default: no rewrite of the table).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = 'result' AND column_name = 'setup_failed') THEN
    ALTER TABLE result ADD COLUMN setup_failed BOOLEAN;
    ALTER TABLE quarantine ADD COLUMN setup_failed BOOLEAN;
  END IF;
END $$;

CREATE TABLE IF NOT EXISTS reject (
  run_id BIGINT NOT NULL,
  id BIGINT GENERATED ALWAYS AS IDENTITY,
  received_at DOUBLE PRECISION NOT NULL,
  code TEXT NOT NULL,
  reason TEXT NOT NULL,
  frame_size INTEGER NOT NULL,
  frame BYTEA NOT NULL
);
CREATE INDEX IF NOT EXISTS reject_run ON reject (run_id, id);
