/**
 * @oct/packer: `oct pack-turrets`, npm-installable turret packages.
 *
 * This is the package's curated public surface (the `oct` CLI calls it): adding an export here is a
 * decision, so keep it small and documented.
 */
export { packTurrets, archiveName, type PackOptions } from './pack.js';
export { PackError } from './errors.js';
export { NPM_MTIME } from './archive.js';
