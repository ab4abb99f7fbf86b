// PLACEHOLDER - replaced by the reference generator.
import type { SchemaFile } from './schemas.js';
export function generateReference(_s: SchemaFile[]): Map<string, string> {
  return new Map();
}
