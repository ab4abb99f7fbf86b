/**
 * @oct/cli: the `oct` command. The programmatic surface is small: run the command in-process, or use
 * its pieces. This is the package's curated public entry: adding an export here is a decision.
 */
export { main, buildProgram } from './main.js';
export { runCommand, type RunCommandOptions } from './run-command.js';
export { newProject, projectConfig } from './new-project.js';
export { LocalTurrets, resolveTurretBin } from './local.js';
export { CliError, EXIT } from './errors.js';
export type { Io } from './io.js';
