/**
 * The clauses of spec/protocol.adoc as the kit sees them. Clauses about the HQ or receivers, and
 * the fixture definitions, are not observable from a turret's outside: they are listed here with
 * the reason, and every other MUST / SHOULD clause has a scenario (checked by test/coverage.test.ts).
 */

/** Clauses the kit does not check on a turret, with why. */
export const NOT_TURRET_OBSERVABLE: Readonly<Record<string, string>> = {
  '2.1': 'about the HQ: it binds PUB and PULL (the kit plays that part)',
  '2.5': 'about the HQ: how it takes the statuses a turret queued before the HQ bound',
  '3.1.3': 'about the HQ: whom it sends direct orders to',
  '3.1.4': 'about the HQ: it sends late starts by broadcast',
  '3.1.5': 'about the HQ: when it may send a direct order at all (no legacy or unheard turret listening)',
  '5.5': 'about receivers: how an HQ classifies turret messages',
  '5.6': 'about receivers: the legacy forms an HQ accepts',
  '7.3': 'about the HQ: which statuses and results it attributes to a turret',
  '7.4': 'about the HQ: when it believes an aborted or killed status',
  '7.5': "about the HQ: how it reports results stored beyond a turret's count",
  '8.2.1': 'about the HQ: its advertisement in every status_request (the kit plays that part)',
  '8.6.1': 'about the HQ: it takes results_sent only from a status that does not say running',
  '8.7': 'about the HQ: status_request cadence and lost turrets',
  '8.7.1': 'about the HQ: its status_request cadence',
  '8.7.2': 'about the HQ: when it marks a turret lost',
  '8.8': 'about the HQ: its run_id and its heartbeat (the kit plays that part in the session scenarios)',
  '8.12': 'about the HQ: which results_sent it compares, and with what',
  '8.13': 'about the HQ: what it does with a turret firing for a start it did not send',
  '8.14':
    'about the HQ: when it counts a turret as joined (it answered a status_request sent after it was first heard)',
  '9.2': 'about the project config, read by the HQ',
  '9.3':
    'no fixture of section 10 reads its config, and how a script receives the config is language-specific',
  '10.1': 'defines a fixture the turret author writes; used by the scenarios of 5.4 and others',
  '10.2': 'defines a fixture the turret author writes; used by the scenario of 7.1',
  '10.3': 'defines a fixture the turret author writes; used by the scenarios of 6.3, 6.4, 6.5',
  '10.4': 'defines a fixture the turret author writes; used by the scenario of 4.5',
  '10.5': 'defines a fixture the turret author writes; used by the scenario of 7.2',
  '10.6': 'defines a fixture the turret author writes; used by the scenario of 4.3.2',
  '10.7': 'defines a fixture the turret author writes; used by the scenario of 4.3.6',
  '10.8': 'defines a fixture the turret author writes; used by the scenario of 5.3.2',
  '11.1': 'about the HQ: its CURVE server sockets and its ZAP handler (the kit plays that part with --curve)',
  '11.2': 'about the HQ: refusing peers that do not speak CURVE, and saying so',
};

/** One numbered clause of the spec. */
export interface SpecClause {
  clause: string;
  level: 'MUST' | 'SHOULD' | 'MAY';
  /** The extension name for `[ext-NAME]` clauses. */
  extension?: string;
  /** The sentence after the level. */
  text: string;
}

/** Parses the numbered clauses of spec/protocol.adoc. */
export function parseClauses(adoc: string): SpecClause[] {
  const out: SpecClause[] = [];
  const re = /\[\[clause-([0-9.]+)\]\]\*\[[0-9.]+\]\* \((MUST|SHOULD|MAY)\) (.*)$/gm;
  for (const m of adoc.matchAll(re)) {
    const text = m[3]!.trim();
    const ext = /^\[ext-([a-z]+)\]/.exec(text)?.[1];
    out.push({ clause: m[1]!, level: m[2] as SpecClause['level'], ...(ext ? { extension: ext } : {}), text });
  }
  return out;
}
