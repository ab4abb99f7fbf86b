// Loads spec/schemas/*.schema.json in a stable order: the input of every generator.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const schemaDir = join(repoRoot, 'spec', 'schemas');

export interface SchemaFile {
  /** File name, e.g. `result.schema.json`. */
  file: string;
  /** Short name, e.g. `result`. */
  name: string;
  schema: JsonSchema;
}

export interface JsonSchema {
  $id?: string;
  $ref?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  default?: unknown;
  examples?: unknown[];
  const?: unknown;
  deprecated?: boolean;
  $defs?: Record<string, JsonSchema>;
  'x-clause'?: string;
  'x-direction'?: string;
  'x-proto'?: number;
  'x-proto-message'?: string;
  'x-since'?: string;
  'x-extension'?: string;
  [key: string]: unknown;
}

export function loadSchemas(): SchemaFile[] {
  return readdirSync(schemaDir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()
    .map((file) => ({
      file,
      name: file.replace(/\.schema\.json$/, ''),
      schema: JSON.parse(readFileSync(join(schemaDir, file), 'utf8')) as JsonSchema,
    }));
}

/** `command-status-request` -> `CommandStatusRequest`. */
export function pascal(name: string): string {
  return name.replace(/(^|[-_])([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
}

export const banner = (source: string, comment = '//') =>
  `${comment} GENERATED FILE - DO NOT EDIT.\n${comment} Source: ${source}\n${comment} Regenerate with \`npm run generate\`; \`npm test\` fails when this file is stale.\n`;
