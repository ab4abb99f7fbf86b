// spec/schemas -> ajv standalone validators, compiled here so nothing compiles schemas at start-up.
import Ajv2020 from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { banner, pascal, type SchemaFile } from './schemas.js';

/** Messages stop at the first error (the hot path); config files report every mistake at once. */
export function generateValidators(schemas: SchemaFile[], allErrors = false, only?: string[]): string {
  const ajv = new Ajv2020.default({
    code: { source: true, esm: true, optimize: true },
    allErrors,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    allowUnionTypes: true,
    keywords: [
      'x-clause',
      'x-direction',
      'x-proto',
      'x-proto-message',
      'x-since',
      'x-extension',
      'x-canonical',
      'tsType',
    ],
  });
  for (const { schema } of schemas) ajv.addSchema(schema);
  const exports: Record<string, string> = {};
  for (const { name, schema } of schemas) {
    if (name === 'common' || (only && !only.includes(name))) continue;
    exports[`validate${pascal(name)}`] = schema.$id as string;
  }
  // ajv emits CommonJS requires for its runtime helpers even in ESM mode; inline the one we use so the
  // validators are a pure ES module with no runtime dependency.
  const code = standaloneCode
    .default(ajv, exports)
    .replace(/require\("ajv\/dist\/runtime\/ucs2length"\)\.default/g, UCS2LENGTH);
  if (/require\(/.test(code)) throw new Error('validators: unexpected require() in ajv standalone output');
  return `${banner('spec/schemas/*.schema.json (ajv standalone)')}// @ts-nocheck\n/* eslint-disable */\n${code}\n`;
}

/** ajv's ucs2length: string length in Unicode code points. */
const UCS2LENGTH = `function ucs2length(str) {
  const len = str.length; let length = 0; let pos = 0; let value;
  while (pos < len) { length++; value = str.charCodeAt(pos++);
    if (value >= 0xd800 && value <= 0xdbff && pos < len) { value = str.charCodeAt(pos); if ((value & 0xfc00) === 0xdc00) pos++; } }
  return length;
}`;
