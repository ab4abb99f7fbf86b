/**
 * @oct/conformance: certifies any OCT turret from the outside (spec/protocol.adoc).
 *
 * This is the package's curated public surface: adding an export here is a decision.
 */
export {
  runConformance,
  tagExpression,
  UsageError,
  FEATURES_DIR,
  type ConformanceOptions,
  type Level,
} from './run.js';
export type { Verdict, ScenarioVerdict, ClauseVerdict } from './verdict.js';
export { loadFixtures, FixturesError, FIXTURES, type FixtureName, type Fixtures } from './fixtures.js';
export { NOT_TURRET_OBSERVABLE, parseClauses, type SpecClause } from './clauses.js';
