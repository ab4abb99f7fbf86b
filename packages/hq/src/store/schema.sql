-- Results store, one SQLite file per run: results/results_<timestamp>/results.sqlite.
-- Tables `result` and `turret` keep the column names of the original OCT, so readers of OCT's
-- results files (the reporter's rebuild) read both; every other column is an addition.
-- Times are Unix epoch seconds (REAL).
-- The same tables in PostgreSQL (results_database.db_uri postgresql://...): schema-pg.sql, one
-- database for many runs, every row keyed by its run.

-- 16 KiB pages (SQLite's default is 4 KiB): a quarter of the pages and WAL frames to write per row,
-- about 1.15x the insert rate and half the system time in large transactions (bench/hq; the same at
-- insert_limit 150). Set before the first table, as a file's page size is fixed once it has content
-- (and cannot change in WAL mode).
PRAGMA page_size = 16384;
PRAGMA journal_mode = WAL;

-- One row: the run itself.
CREATE TABLE IF NOT EXISTS run (
  id INTEGER PRIMARY KEY,
  project TEXT NOT NULL,             -- project directory name
  started_at REAL,                   -- when `start` was sent
  stopped_at REAL,                   -- when `stop` was sent
  finished_at REAL,                  -- when draining ended
  run_time REAL NOT NULL,            -- configured run_time
  results_ts_interval REAL NOT NULL, -- configured time-series interval
  config_json TEXT NOT NULL,         -- the resolved project config
  hq_version TEXT NOT NULL,
  outcome TEXT                       -- completed | interrupted | no_turrets | all_turrets_dead | store_failed
);

CREATE TABLE IF NOT EXISTS turret (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  canons INTEGER,
  script TEXT,
  uuid TEXT NOT NULL UNIQUE,
  rampup REAL,
  status TEXT NOT NULL,              -- last known canonical state, or `lost`
  updated_at REAL NOT NULL,          -- time of the last status received
  protocol TEXT,                     -- advertised protocol, NULL for legacy turrets
  capabilities TEXT,                 -- JSON array
  results_sent INTEGER,              -- accounting: reported by the turret, NULL without accounting
  results_stored INTEGER NOT NULL DEFAULT 0,
  curve_key TEXT,                    -- CURVE runs (spec 11): the admitted key named like the turret, else NULL
  firing_from REAL,                  -- when it began firing for this run (its running status or first result), NULL if never
  firing_until REAL,                 -- when it stopped (its first status not running after, or last result, the later), NULL if not
  canons_abandoned INTEGER           -- canons it abandoned after the stop grace time (spec 4.3.6), NULL if it said none
);

CREATE TABLE IF NOT EXISTS result (
  id INTEGER PRIMARY KEY,
  turret_name TEXT,                  -- NULL: unattributed (legacy canons send none)
  elapsed REAL NOT NULL,
  epoch REAL NOT NULL,
  scriptrun_time REAL NOT NULL,
  error TEXT NOT NULL,               -- '' on success
  custom_timers TEXT NOT NULL,       -- JSON object name -> seconds
  turret_uuid TEXT,
  seq INTEGER,                       -- accounting, else NULL
  setup_failed INTEGER               -- 1: a canon's failed setup, not a transaction (spec 5.3.2), else NULL
);

-- Results kept aside (spec 7.3): they claim a turret no status announced, or a name other than the
-- one their uuid announced. Never counted as any turret's nor in the run's statistics.
CREATE TABLE IF NOT EXISTS quarantine (
  id INTEGER PRIMARY KEY,
  reason TEXT NOT NULL,              -- unannounced | name_conflict
  turret_name TEXT,
  elapsed REAL NOT NULL,
  epoch REAL NOT NULL,
  scriptrun_time REAL NOT NULL,
  error TEXT NOT NULL,
  custom_timers TEXT NOT NULL,
  turret_uuid TEXT,
  seq INTEGER,
  setup_failed INTEGER
);

-- Every frame that was received but not stored as a result or status, with the reason.
CREATE TABLE IF NOT EXISTS reject (
  id INTEGER PRIMARY KEY,
  received_at REAL NOT NULL,
  code TEXT NOT NULL,                -- ProtocolError code (not_json, invalid, unknown_kind, ...), or the HQ's: undecodable, renamed, forged_status
  reason TEXT NOT NULL,              -- the ProtocolError message, naming field and clause; at most 1024 characters
  frame_size INTEGER NOT NULL,
  frame BLOB NOT NULL                -- the first 64 KiB of the frame
);
