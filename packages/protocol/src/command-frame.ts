/**
 * HQ -> turret frames (spec 3.1): one UTF-8 frame `"<topic> <json>"`. The topic is empty for a
 * broadcast (the frame then starts with a space) or the uuid of the turret a direct order is for.
 */
import { COMMANDS } from './constants.js';
import { fail, show, type Decoded } from './errors.js';
import type { CommandEnvelope } from './generated/types.js';
import { commandValidators, validateCommandEnvelope } from './validate.js';

export interface CommandFrame {
  /** '' for a broadcast, else the uuid of the addressed turret. */
  topic: string;
  command: CommandEnvelope;
  /** False when the command name is not one of this spec's: the turret must ignore it (spec 4.6). */
  known: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Encodes a command as a frame. `topic` '' broadcasts; a uuid addresses one 1.x turret. */
export function encodeCommand(command: CommandEnvelope, topic = ''): string {
  if (/[\s{}[\]"]/.test(topic))
    throw new TypeError(
      `command topic must not contain white space or JSON brackets/quotes, got ${show(topic)}`,
    );
  return `${topic} ${JSON.stringify(command)}`;
}

/** Decodes a command frame. A malformed frame gives an error value, never an exception. */
export function decodeCommand(frame: Uint8Array | string): Decoded<CommandFrame> {
  let text: string;
  if (typeof frame === 'string') text = frame;
  else {
    try {
      text = utf8.decode(frame);
    } catch {
      return fail('not_utf8', 'command frame is not valid UTF-8 (spec 3.1)', { clause: '3.1' });
    }
  }
  const space = text.indexOf(' ');
  // A topic is empty or a uuid-like token: a JSON character before the first space means the frame has
  // no topic at all (e.g. a bare JSON body whose first space is inside a string).
  if (space < 0 || /[{}[\]"]/.test(text.slice(0, space))) {
    return fail('bad_command_frame', `command frame must be "<topic> <json>" (spec 3.1), got ${show(text)}`, {
      clause: '3.1',
      value: text,
    });
  }
  const topic = text.slice(0, space);
  let body: unknown;
  try {
    body = JSON.parse(text.slice(space + 1));
  } catch {
    return fail('not_json', `command body is not JSON (spec 3.1), got ${show(text.slice(space + 1))}`, {
      clause: '3.1',
      value: text,
    });
  }
  const envelope = validateCommandEnvelope(body);
  if (!envelope.ok) return envelope;
  const name = envelope.value.command;
  const known = (COMMANDS as readonly string[]).includes(name);
  if (known) {
    const checked = commandValidators[name]!(body);
    if (!checked.ok) return checked;
  }
  return { ok: true, value: { topic, command: envelope.value, known } };
}

/** Whether a command with this topic is for the turret with this uuid (spec 3.1). */
export function isAddressedTo(topic: string, uuid: string): boolean {
  return topic === '' || topic === uuid;
}
