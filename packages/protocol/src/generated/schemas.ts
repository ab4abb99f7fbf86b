// GENERATED FILE - DO NOT EDIT.
// Source: spec/schemas/*.schema.json
// Regenerate with `npm run generate`; `npm test` fails when this file is stale.

export const CommandKillSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.oct.dev/1/command-kill.schema.json",
  "title": "KillCommand",
  "description": "Orders the turret process to report killed and exit (spec 4.4).",
  "x-direction": "hq->turret",
  "x-clause": "4.4",
  "type": "object",
  "required": [
    "command"
  ],
  "properties": {
    "command": {
      "description": "The command name.",
      "const": "kill"
    },
    "msg": {
      "description": "Free text; ignored by turrets.",
      "tsType": "unknown"
    }
  },
  "additionalProperties": true,
  "examples": [
    {
      "command": "kill",
      "msg": null
    }
  ]
} as const;

export const CommandSetTransactionContextSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.oct.dev/1/command-set-transaction-context.schema.json",
  "title": "SetTransactionContextCommand",
  "description": "Hands an object to every transaction the turret creates from now on: those of its next start (spec 4.5, 4.5.1).",
  "x-direction": "hq->turret",
  "x-clause": "4.5",
  "type": "object",
  "required": [
    "command"
  ],
  "properties": {
    "command": {
      "description": "The command name.",
      "const": "set_transaction_context"
    },
    "msg": {
      "description": "The context object; the legacy HQ sends {}. Absent, the context becomes {} (spec 4.5.3).",
      "type": "object"
    }
  },
  "additionalProperties": true,
  "examples": [
    {
      "command": "set_transaction_context",
      "msg": {}
    },
    {
      "command": "set_transaction_context",
      "msg": {
        "base_url": "http://127.0.0.1:8080"
      }
    }
  ]
} as const;

export const CommandStartSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.oct.dev/1/command-start.schema.json",
  "title": "StartCommand",
  "description": "Orders the turret to start firing: its canons begin looping the transaction (spec 4.2).",
  "x-direction": "hq->turret",
  "x-clause": "4.2",
  "type": "object",
  "required": [
    "command"
  ],
  "properties": {
    "command": {
      "description": "The command name.",
      "const": "start"
    },
    "msg": {
      "description": "Free text, \"open fire\" by tradition; ignored by turrets.",
      "type": "string"
    },
    "run_id": {
      "description": "session extension: the HQ's run identity, the same as in its advertisement (spec 8.8). A turret echoes it in its statuses while it runs this start and after (spec 8.9); turrets that do not know it ignore it (spec 8.1).",
      "type": "string",
      "minLength": 1,
      "x-since": "1.0",
      "x-extension": "session"
    }
  },
  "additionalProperties": true,
  "examples": [
    {
      "command": "start",
      "msg": "open fire"
    },
    {
      "command": "start",
      "msg": "open fire",
      "run_id": "0b1f4c2e-6a37-4f0e-9d55-2c1e8f7a9b10"
    }
  ]
} as const;

export const CommandStatusRequestSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.oct.dev/1/command-status-request.schema.json",
  "title": "StatusRequestCommand",
  "description": "Asks a turret for its status. A turret MUST answer with a status message in every state (spec 4.1). The HQ advertises its protocol version and capabilities in msg (spec 8.2.1); legacy turrets ignore msg. A msg that is neither null nor a valid advertisement makes the command invalid: a turret treats it as malformed, changing neither its state nor its extensions (spec 4.1.1).",
  "x-direction": "hq->turret",
  "x-clause": "4.1",
  "type": "object",
  "required": [
    "command"
  ],
  "properties": {
    "command": {
      "description": "The command name.",
      "const": "status_request"
    },
    "msg": {
      "description": "null or absent (a legacy HQ: every extension leaves effect, spec 8.15), or the HQ advertisement of protocol version and capabilities (spec 8.2.1).",
      "anyOf": [
        {
          "type": "null"
        },
        {
          "$ref": "#/$defs/advertisement"
        }
      ]
    }
  },
  "additionalProperties": true,
  "examples": [
    {
      "command": "status_request",
      "msg": null
    },
    {
      "command": "status_request",
      "msg": {
        "protocol": "1.0",
        "capabilities": [
          "batch",
          "protobuf",
          "accounting"
        ]
      }
    },
    {
      "command": "status_request",
      "msg": {
        "protocol": "1.0",
        "capabilities": [
          "batch",
          "protobuf",
          "accounting",
          "session"
        ],
        "run_id": "0b1f4c2e-6a37-4f0e-9d55-2c1e8f7a9b10"
      }
    }
  ],
  "$defs": {
    "advertisement": {
      "title": "HqAdvertisement",
      "description": "What the HQ speaks (spec 8.2).",
      "type": "object",
      "required": [
        "protocol"
      ],
      "properties": {
        "protocol": {
          "$ref": "common.schema.json#/$defs/protocol_version",
          "description": "The protocol version the HQ speaks."
        },
        "capabilities": {
          "description": "Extensions the HQ supports (spec 8.3).",
          "type": "array",
          "items": {
            "$ref": "common.schema.json#/$defs/capability"
          }
        },
        "run_id": {
          "description": "session extension: this HQ run's identity, one value for the whole run and never used by another (e.g. a UUID); the same value goes in every `start` of the run (spec 8.8). A running turret that hears another `run_id` has a new HQ and stops (spec 8.10).",
          "type": "string",
          "minLength": 1,
          "x-since": "1.0",
          "x-extension": "session"
        }
      },
      "additionalProperties": true
    }
  }
} as const;

export const CommandStopSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.oct.dev/1/command-stop.schema.json",
  "title": "StopCommand",
  "description": "Orders the turret to stop firing and return to ready (spec 4.3).",
  "x-direction": "hq->turret",
  "x-clause": "4.3",
  "type": "object",
  "required": [
    "command"
  ],
  "properties": {
    "command": {
      "description": "The command name.",
      "const": "stop"
    },
    "msg": {
      "description": "Free text giving the reason, e.g. \"premature stop\"; ignored by turrets.",
      "type": "string"
    }
  },
  "additionalProperties": true,
  "examples": [
    {
      "command": "stop",
      "msg": "premature stop"
    }
  ]
} as const;

export const CommandSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.oct.dev/1/command.schema.json",
  "title": "CommandEnvelope",
  "description": "The JSON body of every HQ -> turret frame. A turret MUST ignore a command name it does not know (spec 4.6); the known commands have their own schemas.",
  "x-direction": "hq->turret",
  "x-clause": "3.1",
  "type": "object",
  "required": [
    "command"
  ],
  "properties": {
    "command": {
      "description": "The command name.",
      "type": "string",
      "minLength": 1
    },
    "msg": {
      "description": "The command argument; its meaning depends on the command.",
      "tsType": "unknown"
    }
  },
  "additionalProperties": true,
  "examples": [
    {
      "command": "start",
      "msg": "open fire"
    },
    {
      "command": "reload_script",
      "msg": null
    }
  ]
} as const;

export const CommonSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.oct.dev/1/common.schema.json",
  "title": "Common definitions",
  "description": "Building blocks shared by the OCT message and configuration schemas.",
  "$defs": {
    "seconds": {
      "description": "A duration or instant in seconds (fractions allowed), never negative. Legacy senders may write it as a numeric string such as \"0.25\"; receivers accept both (spec 5.6).",
      "anyOf": [
        {
          "type": "number",
          "minimum": 0
        },
        {
          "type": "string",
          "pattern": "^[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$"
        }
      ]
    },
    "count": {
      "description": "A whole number, never negative. Legacy senders may write it as a numeric string such as \"30\"; receivers accept both (spec 5.6).",
      "anyOf": [
        {
          "type": "integer",
          "minimum": 0
        },
        {
          "type": "string",
          "pattern": "^[0-9]+$"
        }
      ]
    },
    "port": {
      "description": "A TCP port number: a JSON integer, never a numeric string.",
      "type": "integer",
      "minimum": 1,
      "maximum": 65535
    },
    "capability": {
      "description": "The name of a protocol extension (spec 8.2). Receivers ignore names they do not know.",
      "type": "string",
      "minLength": 1,
      "examples": [
        "batch",
        "protobuf",
        "accounting"
      ]
    },
    "protocol_version": {
      "description": "A protocol version of the form MAJOR.MINOR; this spec defines major version 1 (spec 8.1).",
      "type": "string",
      "pattern": "^1\\.[0-9]+$",
      "examples": [
        "1.0"
      ]
    }
  }
} as const;

export const ConfigSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.oct.dev/1/config.schema.json",
  "title": "ProjectConfig",
  "description": "A project's `config.json` (spec 9.2): how long to run, which turrets, where the HQ listens, where results go. Keys are those of the original OCT.",
  "type": "object",
  "required": [
    "run_time",
    "results_ts_interval",
    "turrets"
  ],
  "properties": {
    "run_time": {
      "description": "Seconds of firing, from start to stop.",
      "type": "number",
      "exclusiveMinimum": 0
    },
    "results_ts_interval": {
      "description": "Seconds per interval in the report's time series.",
      "type": "number",
      "exclusiveMinimum": 0
    },
    "progress_bar": {
      "description": "Show a progress bar when stdout is a terminal (plain periodic lines otherwise).",
      "type": "boolean",
      "default": true
    },
    "console_logging": {
      "description": "Log every received message to the console.",
      "type": "boolean",
      "default": false
    },
    "testing": {
      "description": "Write the results file to a temporary directory instead of the project's results directory.",
      "type": "boolean",
      "default": false
    },
    "publish_port": {
      "$ref": "common.schema.json#/$defs/port",
      "description": "Port of the HQ's PUB socket (commands).",
      "default": 5000
    },
    "rc_port": {
      "$ref": "common.schema.json#/$defs/port",
      "description": "Port of the HQ's PULL socket (status and results).",
      "default": 5001
    },
    "min_turrets": {
      "description": "Turrets that must have joined before the HQ starts the run.",
      "type": "integer",
      "minimum": 1,
      "default": 1
    },
    "hq_address": {
      "description": "Address the HQ binds, and that packed turrets connect to.",
      "type": "string",
      "minLength": 1,
      "default": "127.0.0.1"
    },
    "turrets": {
      "description": "The turrets: inline turret configs, or paths (relative to the project) of turret config files.",
      "type": "array",
      "minItems": 1,
      "items": {
        "anyOf": [
          {
            "$ref": "turret-config.schema.json"
          },
          {
            "type": "string",
            "minLength": 1
          }
        ]
      }
    },
    "turrets_requirements": {
      "description": "npm dependency specs added to every packed turret, e.g. \"undici@^7\".",
      "type": "array",
      "items": {
        "type": "string",
        "minLength": 1
      },
      "default": []
    },
    "extra_turret_config": {
      "description": "Keys merged over every turret's config, last (as OCT did): they win over the turret's own keys, except `name`, `script` and `extra_files`, which say which turret it is and what it runs and are ignored with a warning. The merged config must still be a valid turret config (9.1).",
      "type": "object",
      "default": {}
    },
    "results_database": {
      "description": "Where and how results are stored.",
      "type": "object",
      "properties": {
        "db_uri": {
          "description": "`default` for a SQLite file in the run's results directory, or a path / `sqlite:///path` URI of a SQLite file.",
          "type": "string",
          "minLength": 1,
          "default": "default"
        },
        "insert_limit": {
          "description": "Results per insert transaction. Each transaction is one commit to the results file, so larger values suit higher result rates.",
          "type": "integer",
          "minimum": 1,
          "default": 150
        }
      },
      "additionalProperties": true,
      "default": {
        "db_uri": "default",
        "insert_limit": 150
      }
    },
    "external_publisher": {
      "description": "Where the HQ binds a PUB socket that re-publishes every result it stores, for live consumers: false (off), a port number as in the original OCT (bound on every interface, `tcp://*:<port>`; OCT's own default was 5002), or a ZeroMQ endpoint `tcp://`, `ipc://` or `inproc://` (e.g. `tcp://127.0.0.1:5002`, one interface only). Each result is one two-part message `[topic, result-json]`, as OCT sent it: the topic is `oct run -p <topic>`, else a random hex uuid printed at the start; consumers subscribe to it (or to \"\" for every topic). A PUB socket never waits for its subscribers: one that falls 100,000 messages behind loses the next ones, and the run is never slowed.",
      "anyOf": [
        {
          "const": false
        },
        {
          "$ref": "common.schema.json#/$defs/port"
        },
        {
          "type": "string",
          "pattern": "^(tcp|ipc|inproc)://"
        }
      ],
      "default": false
    },
    "security": {
      "description": "Channel security (spec 11). With `curve` on, the HQ's PUB and PULL sockets are CURVE servers: only turrets holding an authorised key pair connect, and every command and result is encrypted. `oct keys` makes the keys; `oct pack-turrets` gives each turret its own.",
      "type": "object",
      "properties": {
        "curve": {
          "description": "CURVE encryption and authentication on both sockets (spec 11.1). Off: plain ZeroMQ, as the original OCT.",
          "type": "boolean",
          "default": false
        },
        "keys": {
          "description": "Directory of the key files, relative to the project: `hq.key` and `hq.key_secret` (the HQ's pair), and `turrets/<name>.key` for each authorised turret (spec 11.3).",
          "type": "string",
          "minLength": 1,
          "default": "keys"
        }
      },
      "additionalProperties": true,
      "default": {
        "curve": false,
        "keys": "keys"
      },
      "x-since": "1.0"
    },
    "thresholds": {
      "description": "Pass/fail criteria judged by the HQ over the merged results of every turret (`oct run` exits 99 when one fails, 98 when one with `abort_on_fail` stopped the run). Each names a metric, a statistic of it and one or two bounds; durations are in seconds. A metric that no stored result produced fails (never a silent pass). Verdicts go to the console, `summary.json`, the report and, with `oct run --junit <file>`, a JUnit XML file.",
      "type": "array",
      "items": {
        "type": "object",
        "properties": {
          "metric": {
            "description": "`transactions` (every transaction's scriptrun_time), `errors` (the transactions whose error is not empty) or the name of a custom timer. `transactions` and `errors` mean those metrics even if a custom timer has the same name.",
            "type": "string",
            "minLength": 1
          },
          "stat": {
            "description": "The statistic judged: `count`, `rate` (per second, between the first and the last result), `error_rate` (failed / all, 0 to 1), `min`, `max`, `avg`, `stdev` (population), `rstddev` (stdev / avg), or a percentile `p<N>` with N from 0 to 100 (`p50`, `p95`, `p99.9`). The metric `errors` takes `count`, `rate` and `error_rate` only. Percentiles come from the report's histograms (3 significant digits: within 0.1% above the exact value, exact to the microsecond below 2 ms).",
            "type": "string",
            "pattern": "^(count|rate|error_rate|min|max|avg|stdev|rstddev|p(100|[0-9]{1,2})(\\.[0-9]{1,3})?)$"
          },
          "lt": {
            "description": "Passes when the statistic is less than this.",
            "type": "number"
          },
          "lte": {
            "description": "Passes when the statistic is less than or equal to this.",
            "type": "number"
          },
          "gt": {
            "description": "Passes when the statistic is greater than this.",
            "type": "number"
          },
          "gte": {
            "description": "Passes when the statistic is greater than or equal to this.",
            "type": "number"
          },
          "abort_on_fail": {
            "description": "Judge this threshold during the run too (on the results stored so far, every progress interval) and stop the run as soon as it fails (`oct run` exits 98).",
            "type": "boolean",
            "default": false
          },
          "delay_abort_eval": {
            "description": "With `abort_on_fail`: seconds after the start before a failure may stop the run (the first results are few and slow).",
            "type": "number",
            "minimum": 0,
            "default": 0
          }
        },
        "required": [
          "metric",
          "stat"
        ],
        "additionalProperties": false
      },
      "examples": [
        [
          {
            "metric": "transactions",
            "stat": "p95",
            "lt": 0.5
          },
          {
            "metric": "checkout",
            "stat": "p99.9",
            "lte": 2
          },
          {
            "metric": "transactions",
            "stat": "error_rate",
            "lt": 0.01,
            "abort_on_fail": true,
            "delay_abort_eval": 10
          },
          {
            "metric": "transactions",
            "stat": "rate",
            "gte": 100
          },
          {
            "metric": "errors",
            "stat": "count",
            "lte": 10
          }
        ]
      ],
      "x-since": "1.0"
    }
  },
  "additionalProperties": true,
  "examples": [
    {
      "run_time": 30,
      "results_ts_interval": 1,
      "progress_bar": true,
      "console_logging": false,
      "testing": false,
      "publish_port": 5000,
      "rc_port": 5001,
      "min_turrets": 1,
      "turrets": [
        {
          "name": "navigation",
          "canons": 2,
          "rampup": 0,
          "script": "v_user.js"
        }
      ],
      "turrets_requirements": [],
      "extra_turret_config": {},
      "results_database": {
        "db_uri": "default",
        "insert_limit": 150
      },
      "external_publisher": false
    }
  ]
} as const;

export const ResultBatchSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.oct.dev/1/result-batch.schema.json",
  "title": "ResultBatch",
  "description": "batch extension: many results in one message (spec 8.4). Sent as JSON, or as a protobuf frame when both sides advertised protobuf (spec 8.5). Told apart by having a `results` array (spec 5.5). Each result inherits `turret_name` and `uuid` from the batch when it has none.",
  "x-direction": "turret->hq",
  "x-clause": "8.4",
  "x-extension": "batch",
  "x-proto-message": "ResultBatch",
  "type": "object",
  "required": [
    "turret_name",
    "uuid",
    "results"
  ],
  "properties": {
    "turret_name": {
      "description": "The sending turret's name.",
      "type": "string",
      "minLength": 1,
      "x-proto": 1
    },
    "uuid": {
      "description": "The sending turret's uuid.",
      "type": "string",
      "minLength": 1,
      "x-proto": 2
    },
    "results": {
      "description": "The results, in the order they were produced.",
      "type": "array",
      "minItems": 1,
      "items": {
        "$ref": "result.schema.json"
      },
      "x-proto": 3
    }
  },
  "additionalProperties": true,
  "examples": [
    {
      "turret_name": "navigation",
      "uuid": "5a0d6a3c-2f58-4bd2-9c56-0c2a9d1bfa3e",
      "results": [
        {
          "elapsed": 1,
          "epoch": 1763900000.1,
          "scriptrun_time": 0.01,
          "error": "",
          "custom_timers": {},
          "seq": 0
        },
        {
          "elapsed": 1.01,
          "epoch": 1763900000.11,
          "scriptrun_time": 0.012,
          "error": "",
          "custom_timers": {
            "home_page": 0.004
          },
          "seq": 1
        }
      ]
    }
  ]
} as const;

export const ResultSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.oct.dev/1/result.schema.json",
  "title": "ResultMessage",
  "description": "One transaction's outcome (spec 5.3). Told apart from a status by having `scriptrun_time` and `elapsed` (spec 5.5).",
  "x-direction": "turret->hq",
  "x-clause": "5.3",
  "x-proto-message": "Result",
  "type": "object",
  "required": [
    "elapsed",
    "epoch",
    "scriptrun_time",
    "error",
    "custom_timers"
  ],
  "properties": {
    "turret_name": {
      "description": "The turret's name. Required from protocol 1.x turrets (spec 5.3); legacy canons omit it and their results are stored as unattributed.",
      "type": "string",
      "minLength": 1,
      "x-proto": 6
    },
    "uuid": {
      "description": "The sending turret's uuid (spec 5.3).",
      "type": "string",
      "minLength": 1,
      "x-proto": 8,
      "x-since": "1.0"
    },
    "elapsed": {
      "$ref": "common.schema.json#/$defs/seconds",
      "description": "Seconds since the turret started firing, on a monotonic clock, when the transaction began.",
      "x-proto": 1
    },
    "epoch": {
      "$ref": "common.schema.json#/$defs/seconds",
      "description": "Wall-clock time in seconds since the Unix epoch when the transaction began; fractions allowed (legacy turrets send whole seconds).",
      "x-proto": 2
    },
    "scriptrun_time": {
      "$ref": "common.schema.json#/$defs/seconds",
      "description": "Seconds the transaction's run took, excluding setup and tear-down.",
      "x-proto": 3
    },
    "error": {
      "description": "Empty when the transaction succeeded, otherwise the error text (spec 5.3).",
      "type": "string",
      "x-proto": 4
    },
    "custom_timers": {
      "description": "Named timers the transaction set, name -> seconds.",
      "type": "object",
      "additionalProperties": {
        "$ref": "common.schema.json#/$defs/seconds"
      },
      "x-proto": 5
    },
    "seq": {
      "description": "accounting extension: this result's sequence number within the turret, from 0 at each start and without gaps (spec 8.6).",
      "type": "integer",
      "minimum": 0,
      "x-proto": 7,
      "x-since": "1.0",
      "x-extension": "accounting"
    },
    "setup_failed": {
      "description": "True when this result reports a canon's failed setup rather than a transaction (spec 5.3): `error` says why, no transaction ran, and receivers count it apart and keep it out of latency statistics. Absent (or false) for a transaction's result. Never sent to an HQ that has not advertised protocol 1.x (spec 12.2).",
      "type": "boolean",
      "x-proto": 9,
      "x-since": "1.0"
    }
  },
  "additionalProperties": true,
  "examples": [
    {
      "turret_name": "navigation",
      "uuid": "5a0d6a3c-2f58-4bd2-9c56-0c2a9d1bfa3e",
      "elapsed": 12.5031,
      "epoch": 1763900000.25,
      "scriptrun_time": 0.0213,
      "error": "",
      "custom_timers": {
        "home_page": 0.0112
      }
    },
    {
      "elapsed": 3.01,
      "epoch": 1479000000,
      "scriptrun_time": 0.5,
      "error": "ConnectionError: refused",
      "custom_timers": {}
    }
  ]
} as const;

export const StatusSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.oct.dev/1/status.schema.json",
  "title": "StatusMessage",
  "description": "A turret's report of its state (spec 5.1). A turret sends one when it becomes ready, periodically while ready, after each command, and in answer to every status_request. It is told apart from a result by having `status` and `uuid` (spec 5.5).",
  "x-direction": "turret->hq",
  "x-clause": "5.1",
  "type": "object",
  "required": [
    "turret",
    "status",
    "uuid",
    "rampup",
    "script"
  ],
  "properties": {
    "turret": {
      "description": "The turret name from its config (`name`).",
      "type": "string",
      "minLength": 1
    },
    "status": {
      "description": "The turret state (spec 5.2): one of initialized, ready, running, aborted, killed. Canonical spelling is lower case; receivers compare case-insensitively, so the legacy forms `READY`, `Running`, `Aborted`, `Initialized`, `Killed` are accepted.",
      "type": "string",
      "pattern": "^(?:[Ii][Nn][Ii][Tt][Ii][Aa][Ll][Ii][Zz][Ee][Dd]|[Rr][Ee][Aa][Dd][Yy]|[Rr][Uu][Nn][Nn][Ii][Nn][Gg]|[Aa][Bb][Oo][Rr][Tt][Ee][Dd]|[Kk][Ii][Ll][Ll][Ee][Dd])$",
      "x-canonical": [
        "initialized",
        "ready",
        "running",
        "aborted",
        "killed"
      ]
    },
    "uuid": {
      "description": "The turret's identity for this process lifetime; also the topic of direct orders (spec 3.1).",
      "type": "string",
      "minLength": 1
    },
    "rampup": {
      "$ref": "common.schema.json#/$defs/seconds",
      "description": "Seconds over which the canons' starts are spread."
    },
    "script": {
      "description": "The transaction script path, as named in the turret config.",
      "type": "string"
    },
    "canons": {
      "$ref": "common.schema.json#/$defs/count",
      "description": "Number of canons (virtual users)."
    },
    "cannons": {
      "$ref": "common.schema.json#/$defs/count",
      "description": "Legacy spelling of `canons`, sent by OCT 0.4 turrets. Receivers accept it; new turrets send `canons`.",
      "deprecated": true
    },
    "protocol": {
      "$ref": "common.schema.json#/$defs/protocol_version",
      "description": "The protocol version the turret speaks; absent on legacy turrets (spec 8.2).",
      "x-since": "1.0"
    },
    "capabilities": {
      "description": "Extensions the turret supports (spec 8.3).",
      "type": "array",
      "items": {
        "$ref": "common.schema.json#/$defs/capability"
      },
      "x-since": "1.0"
    },
    "results_sent": {
      "$ref": "common.schema.json#/$defs/count",
      "description": "accounting extension: results sent since the last start, counting every result in every batch (spec 8.6). Present only when the HQ advertised accounting.",
      "x-since": "1.0",
      "x-extension": "accounting"
    },
    "reason": {
      "description": "Why the turret aborted, for status aborted (spec 7.2).",
      "type": "string"
    },
    "run_id": {
      "description": "session extension: the `run_id` of the last `start` this turret obeyed, as the HQ sent it (spec 8.9), so the HQ knows which run a `running` or a `results_sent` belongs to. Present only when the HQ advertised session and that start carried a `run_id`.",
      "type": "string",
      "minLength": 1,
      "x-since": "1.0",
      "x-extension": "session"
    },
    "canons_abandoned": {
      "type": "integer",
      "minimum": 0,
      "description": "Canons still in a transaction (or setup) when the stop's grace time ran out, left behind at the last stop (spec 4.3): their late results are never sent. Sent by a turret that has stopped firing, to an HQ that advertised protocol 1.x; absent means none reported.",
      "x-since": "1.0"
    }
  },
  "additionalProperties": true,
  "examples": [
    {
      "turret": "navigation",
      "status": "ready",
      "uuid": "5a0d6a3c-2f58-4bd2-9c56-0c2a9d1bfa3e",
      "rampup": 0,
      "script": "v_user.js",
      "canons": 2,
      "protocol": "1.0",
      "capabilities": [
        "batch",
        "protobuf",
        "accounting"
      ]
    },
    {
      "turret": "navigation",
      "status": "READY",
      "uuid": "bf2ab2e5-9f28-4f5d-a2ec-1d1c18a3e0bd",
      "rampup": "0",
      "script": "v_user.py",
      "cannons": "30"
    }
  ],
  "if": {
    "not": {
      "required": [
        "canons"
      ]
    }
  },
  "then": {
    "required": [
      "cannons"
    ]
  }
} as const;

export const TurretConfigSchema = {
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://schemas.oct.dev/1/turret-config.schema.json",
  "title": "TurretConfig",
  "description": "A turret's configuration file (spec 9.1), as written inline in a project's `turrets` or in its own file. Keys other than these are kept, and a turret hands them to the transaction script with the rest of its config (spec 9.3); a project adds keys to every turret with `extra_turret_config`.",
  "type": "object",
  "required": [
    "name",
    "script"
  ],
  "properties": {
    "name": {
      "description": "The turret name, shown in reports and sent as `turret` / `turret_name`.",
      "type": "string",
      "minLength": 1
    },
    "canons": {
      "$ref": "common.schema.json#/$defs/count",
      "description": "Number of canons (virtual users) looping the transaction concurrently."
    },
    "cannons": {
      "$ref": "common.schema.json#/$defs/count",
      "description": "Legacy spelling of `canons` (OCT 0.4); accepted.",
      "deprecated": true
    },
    "rampup": {
      "$ref": "common.schema.json#/$defs/seconds",
      "description": "Seconds over which the canons' starts are spread evenly.",
      "default": 0
    },
    "script": {
      "description": "Path of the transaction script, relative to the config file's directory.",
      "type": "string",
      "minLength": 1
    },
    "hq_address": {
      "description": "Host of the HQ.",
      "type": "string",
      "minLength": 1,
      "default": "127.0.0.1"
    },
    "hq_publisher": {
      "$ref": "common.schema.json#/$defs/port",
      "description": "The HQ's PUB port (its `publish_port`): a JSON integer, never a numeric string (unlike `canons` and `rampup`).",
      "default": 5000
    },
    "hq_rc": {
      "$ref": "common.schema.json#/$defs/port",
      "description": "The HQ's PULL port (its `rc_port`): a JSON integer, never a numeric string.",
      "default": 5001
    },
    "extra_files": {
      "description": "Further files, relative to the project, that the packer puts beside the script.",
      "type": "array",
      "items": {
        "type": "string",
        "minLength": 1
      },
      "default": []
    },
    "workers": {
      "description": "Worker threads over which the canons are spread (reference turret): a JSON integer, never a numeric string.",
      "type": "integer",
      "minimum": 1,
      "default": 1
    },
    "hq_timeout": {
      "description": "session extension (spec 8.11): seconds a running turret goes on firing without hearing from its HQ (no frame at all on its SUB socket, where an HQ that advertised session sends a status_request at least every 5 s). Then it stops as on `stop`: canons finish, tear-downs run, its results are sent, and it returns to ready. It applies only while the HQ has advertised `session` (spec 8.3), so a legacy HQ, which sends no status_request once its run has started, never makes a turret stop on its own. 0 turns it off. Keep it well above 5 s: a busy network or HQ may delay a status_request.",
      "type": "number",
      "minimum": 0,
      "default": 30,
      "x-since": "1.0",
      "x-extension": "session"
    },
    "transaction_timeout": {
      "description": "Seconds one transaction (or one canon's setup) may take (spec 7.6). A transaction still running then is abandoned: the turret sends its result with the error `transaction timed out after <n> s (transaction_timeout)` and the canon goes on with its next transaction; whatever the abandoned one does later is never reported. 0 turns it off. The reference turret can interrupt only a transaction that waits (a pending promise), not a synchronous endless loop.",
      "type": "number",
      "minimum": 0,
      "default": 60,
      "examples": [
        60,
        5,
        0
      ],
      "x-since": "1.0"
    },
    "curve_server_key": {
      "description": "Path of the HQ's public certificate (`hq.key`), relative to the config file (spec 11.4). With `curve_secret_key`, the turret's SUB and PUSH sockets are CURVE clients that connect only to the HQ holding that key; without both, the turret speaks plain ZeroMQ.",
      "type": "string",
      "minLength": 1,
      "x-since": "1.0"
    },
    "curve_secret_key": {
      "description": "Path of the turret's own secret certificate (`<name>.key_secret`, mode 0600), relative to the config file (spec 11.4).",
      "type": "string",
      "minLength": 1,
      "x-since": "1.0"
    }
  },
  "additionalProperties": true,
  "examples": [
    {
      "name": "navigation",
      "canons": 2,
      "rampup": 0,
      "script": "v_user.js",
      "hq_address": "127.0.0.1",
      "hq_publisher": 5000,
      "hq_rc": 5001
    }
  ],
  "if": {
    "not": {
      "required": [
        "canons"
      ]
    }
  },
  "then": {
    "required": [
      "cannons"
    ]
  },
  "dependentRequired": {
    "curve_server_key": [
      "curve_secret_key"
    ],
    "curve_secret_key": [
      "curve_server_key"
    ]
  }
} as const;

/** Every schema by short name. */
export const schemas = {
  "command-kill": CommandKillSchema,
  "command-set-transaction-context": CommandSetTransactionContextSchema,
  "command-start": CommandStartSchema,
  "command-status-request": CommandStatusRequestSchema,
  "command-stop": CommandStopSchema,
  "command": CommandSchema,
  "common": CommonSchema,
  "config": ConfigSchema,
  "result-batch": ResultBatchSchema,
  "result": ResultSchema,
  "status": StatusSchema,
  "turret-config": TurretConfigSchema,
} as const;
