/** Protocol constants (spec sections named inline). */

/** The protocol version this package implements (spec 8.1). */
export const PROTOCOL_VERSION = '1.0';

/** Default port of the HQ's PUB socket (spec 2.1). */
export const DEFAULT_PUBLISH_PORT = 5000;
/** Default port of the HQ's PULL socket (spec 2.1). */
export const DEFAULT_RC_PORT = 5001;

/** Extensions defined by this spec (spec 8.3; `session`: spec 8.8 to 8.11). */
export const CAPABILITIES = ['batch', 'protobuf', 'accounting', 'session'] as const;
export type KnownCapability = (typeof CAPABILITIES)[number];

/** First byte of a protobuf result-batch frame; it can never start a JSON text (spec 3.3). */
export const PROTOBUF_BATCH_TAG = 0x01;

/** Canonical turret states (spec 5.2). */
export const TURRET_STATES = ['initialized', 'ready', 'running', 'aborted', 'killed'] as const;
export type TurretState = (typeof TURRET_STATES)[number];

/** The command names of this spec (spec 4). */
export const COMMANDS = ['status_request', 'start', 'stop', 'kill', 'set_transaction_context'] as const;
export type CommandName = (typeof COMMANDS)[number];
