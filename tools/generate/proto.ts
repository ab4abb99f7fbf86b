// spec/schemas -> spec/oct.proto (and the same text as a TS module, so the codec needs no file I/O).
// Messages are the schemas with `x-proto-message`; field numbers come from each property's `x-proto`,
// so numbering is fixed in the schema and never reshuffled by a generator change.
import { banner, type JsonSchema, type SchemaFile } from './schemas.js';

export function generateProto(schemas: SchemaFile[]): { file: string; module: string } {
  const byFile = new Map(schemas.map((s) => [s.file, s.schema]));
  const messages: string[] = [];
  for (const { file, schema } of schemas) {
    const name = schema['x-proto-message'];
    if (!name) continue;
    const required = new Set(schema.required ?? []);
    const fields = Object.entries(schema.properties ?? {})
      .filter(([, p]) => typeof p['x-proto'] === 'number')
      .sort(([, a], [, b]) => (a['x-proto'] as number) - (b['x-proto'] as number))
      .map(([key, p]) => {
        const type = protoType(key, p, byFile, file);
        const label =
          type.startsWith('repeated ') || type.startsWith('map<') || required.has(key) ? '' : 'optional ';
        const doc = (p.description ?? '').replace(/\s+/g, ' ');
        return `  // ${doc}\n  ${label}${type} ${key} = ${p['x-proto']};`;
      });
    messages.push(
      `// ${schema.title}: ${(schema.description ?? '').replace(/\s+/g, ' ')}\n// Schema: spec/schemas/${file}\nmessage ${name} {\n${fields.join('\n')}\n}`,
    );
  }
  const file = `${banner('spec/schemas/*.schema.json (x-proto-message / x-proto annotations)')}
// A protobuf result batch travels as one frame: the tag byte 0x01, then a serialized ResultBatch (spec 3.3).

syntax = "proto3";

package oct.v1;

${messages.join('\n\n')}
`;
  const module = `${banner('spec/schemas/*.schema.json')}\n/** The text of spec/oct.proto. */\nexport const protoSource = ${JSON.stringify(file)};\n`;
  return { file, module };
}

function protoType(key: string, p: JsonSchema, byFile: Map<string, JsonSchema>, where: string): string {
  if (p.$ref?.endsWith('#/$defs/seconds')) return 'double';
  if (p.$ref?.endsWith('#/$defs/count') || p.type === 'integer') return 'uint64';
  if (p.type === 'string') return 'string';
  if (p.type === 'boolean') return 'bool';
  if (p.type === 'object' && typeof p.additionalProperties === 'object') {
    return `map<string, ${protoType(key, p.additionalProperties, byFile, where)}>`;
  }
  if (p.type === 'array' && p.items?.$ref) {
    const target = byFile.get(p.items.$ref);
    const msg = target?.['x-proto-message'];
    if (msg) return `repeated ${msg}`;
  }
  throw new Error(`proto: no protobuf type for ${where} property "${key}"`);
}
