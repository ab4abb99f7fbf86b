// spec/schemas -> docs/reference/messages.adoc: the message and config reference, rendered from the
// schemas' own titles, descriptions, annotations and examples, so the docs cannot drift from the fields.
import { banner, type JsonSchema, type SchemaFile } from './schemas.js';

const OUTPUT = 'docs/reference/messages.adoc';

/** Where each group of documents travels, in reading order. */
const GROUPS: { title: string; intro: string; match: (s: JsonSchema) => boolean; order: string[] }[] = [
  {
    title: 'HQ -> turret: commands',
    intro:
      'Sent by the HQ on its PUB socket as one UTF-8 frame `"<topic> <json>"` (spec 3.1). The JSON body is a ' +
      'command envelope; the commands this spec defines refine it.',
    match: (s) => s['x-direction'] === 'hq->turret',
    order: ['command', 'command-status-request', 'command-start', 'command-stop', 'command-kill'],
  },
  {
    title: 'Turret -> HQ: status and results',
    intro:
      'Sent by a turret on its PUSH socket, one message per frame: a UTF-8 JSON object, or a tagged protobuf ' +
      'result batch (spec 3.2, 3.3). Receivers classify them by their fields (spec 5.5).',
    match: (s) => s['x-direction'] === 'turret->hq',
    order: ['status', 'result', 'result-batch'],
  },
  {
    title: 'Configuration files',
    intro: 'Read by the HQ and the turrets from disk, not sent on the wire (spec 9).',
    match: (s) => s['x-direction'] === undefined && s.properties !== undefined,
    order: ['config', 'turret-config'],
  },
];

/** Renders the reference; the map key is the output path relative to the repo root. */
export function generateReference(schemas: SchemaFile[]): Map<string, string> {
  const byFile = new Map(schemas.map((s) => [s.file, s]));
  const out: string[] = [
    banner('spec/schemas/*.schema.json (tools/generate/reference.ts)', '//').trimEnd(),
    '= OCT message reference',
    ':toc: left',
    ':toclevels: 2',
    ':sectanchors:',
    '',
    'Every message and configuration document of the OCT protocol, version 1, rendered from its JSON Schema in',
    '`spec/schemas/` (the source of truth; this page is generated). Clause numbers link to the',
    'link:protocol.html[protocol specification]. Field names are the wire names (snake_case).',
    '',
    '*Reading the tables.* _Required_ is what a 1.x sender must include; receivers accept every form in',
    '_Legacy forms_ (spec 5.6) and ignore fields they do not know (spec 8.1). _Since / extension_ names the',
    'protocol version that added a field and the extension (spec 8.3) it belongs to; an extension field is',
    'only sent when both sides advertised the extension.',
    '',
  ];
  const done = new Set<string>();
  for (const group of GROUPS) {
    const members = schemas
      .filter((s) => group.match(s.schema))
      .sort((a, b) => rank(group.order, a.name) - rank(group.order, b.name) || a.name.localeCompare(b.name));
    out.push(`== ${group.title}`, '', group.intro, '');
    for (const s of members) {
      done.add(s.name);
      out.push(...renderDocument(s, byFile));
    }
  }
  const common = schemas.find((s) => s.name === 'common');
  if (common) {
    done.add(common.name);
    out.push(...renderCommon(common));
  }
  const left = schemas.filter((s) => !done.has(s.name)).map((s) => s.file);
  if (left.length) throw new Error(`reference: no section for ${left.join(', ')}`);
  return new Map([[OUTPUT, `${out.join('\n').trimEnd()}\n`]]);
}

function rank(order: string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

function renderDocument(s: SchemaFile, byFile: Map<string, SchemaFile>): string[] {
  const { schema } = s;
  const title = schema.title ?? s.name;
  const lines = [`[[${anchor(s.name)}]]`, `=== ${title}`, '', text(schema.description), ''];
  lines.push(`[horizontal]`);
  lines.push(`Schema:: \`spec/schemas/${s.file}\``);
  if (schema['x-direction']) lines.push(`Direction:: ${schema['x-direction'].replace('->', ' -> ')}`);
  const clauses = clausesOf(schema);
  if (clauses.length) lines.push(`Clauses:: ${clauses.map(clauseLink).join(', ')}`);
  if (schema['x-extension']) lines.push(`Extension:: \`${schema['x-extension']}\` (spec 8.3)`);
  if (schema['x-proto-message'])
    lines.push(`Protobuf:: \`oct.v1.${schema['x-proto-message']}\` in \`spec/oct.proto\``);
  lines.push(
    `Unknown fields:: ${schema.additionalProperties === false ? 'rejected' : 'allowed and ignored (spec 8.1)'}`,
  );
  lines.push('');
  lines.push(...fieldTable(schema, byFile, s.name));
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (prop.properties) {
      lines.push(`.Fields of \`${key}\``, ...fieldTable(prop, byFile, s.name));
    }
  }
  const examples = schema.examples ?? [];
  examples.forEach((ex, i) => {
    lines.push(
      `.Example${examples.length > 1 ? ` ${i + 1}` : ''}`,
      '[source,json]',
      '----',
      JSON.stringify(ex, null, 2),
      '----',
      '',
    );
  });
  for (const [name, def] of Object.entries(schema.$defs ?? {})) {
    lines.push(
      `[[${anchor(`${s.name}-${name}`)}]]`,
      `==== ${def.title ?? name}`,
      '',
      text(def.description),
      '',
    );
    lines.push(...fieldTable(def, byFile, s.name));
  }
  return lines;
}

function renderCommon(s: SchemaFile): string[] {
  const lines = [`[[${anchor(s.name)}]]`, '== Common types', '', text(s.schema.description), ''];
  lines.push('[cols="1,2,5",options="header"]', '|===', '|Name |Type |Description');
  for (const [name, def] of Object.entries(s.schema.$defs ?? {})) {
    lines.push(`|[[common-${name}]]\`${name}\` |${cell(typeOf(def))} |${cell(text(def.description))}`);
  }
  lines.push('|===', '');
  return lines;
}

function fieldTable(schema: JsonSchema, byFile: Map<string, SchemaFile>, self: string): string[] {
  const props = Object.entries(schema.properties ?? {});
  if (!props.length) return [];
  const required = new Set(schema.required ?? []);
  // `if: {not: {required: [a]}}, then: {required: [b]}`: a or its alternative spelling b is required.
  const alt = alternatives(schema);
  const lines = [
    '[cols="2,2,1,5,2,2,2",options="header"]',
    '|===',
    '|Field |Type |Required |Description |Since / extension |Legacy forms |Default',
  ];
  for (const [key, p] of props) {
    const req = required.has(key) ? 'yes' : alt.has(key) ? `yes, or \`${alt.get(key)}\`` : 'no';
    const since = [
      p['x-since'] ? `since ${p['x-since']}` : '',
      p['x-extension'] ? `\`${p['x-extension']}\`` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const def = p.default === undefined ? '' : `\`${JSON.stringify(p.default)}\``;
    lines.push(
      `|\`${key}\`${p.deprecated ? ' (deprecated)' : ''} |${cell(typeOf(p, byFile, self))} |${req} |${cell(text(p.description))} |${cell(since)} |${cell(legacyForms(key, p, schema))} |${cell(def)}`,
    );
  }
  lines.push('|===', '');
  return lines;
}

function alternatives(schema: JsonSchema): Map<string, string> {
  const ifs = schema.if as JsonSchema | undefined;
  const then = schema.then as JsonSchema | undefined;
  const main = (ifs?.not as JsonSchema | undefined)?.required?.[0];
  const other = then?.required?.[0];
  return main && other ? new Map([[main, other]]) : new Map();
}

/** A short human type, e.g. `seconds`, `array of capability`, `object: name -> seconds`. */
function typeOf(p: JsonSchema, byFile?: Map<string, SchemaFile>, self?: string): string {
  if (p.$ref) {
    const def = /#\/\$defs\/(\w+)$/.exec(p.$ref)?.[1];
    // `#/$defs/x` is a definition of the document itself, `common.schema.json#/$defs/x` a common type.
    if (def && p.$ref.startsWith('#') && self) return `<<${anchor(`${self}-${def}`)},${def}>>`;
    if (def) return `<<common-${def},${def}>>`;
    const target = byFile?.get(p.$ref);
    return target ? `<<${anchor(target.name)},${target.schema.title ?? target.name}>>` : p.$ref;
  }
  if (p.const !== undefined) return `\`${JSON.stringify(p.const)}\``;
  if (p.anyOf) return p.anyOf.map((a) => typeOf(a, byFile, self)).join(' or ');
  if (p.tsType === 'unknown') return 'any JSON value';
  const type = Array.isArray(p.type) ? p.type.join(' or ') : p.type;
  if (type === 'array' && p.items)
    return `array of ${p.items.anyOf ? `(${typeOf(p.items, byFile, self)})` : typeOf(p.items, byFile, self)}${p.minItems ? ` (at least ${String(p.minItems)})` : ''}`;
  if (type === 'object' && typeof p.additionalProperties === 'object')
    return `object: name -> ${typeOf(p.additionalProperties, byFile, self)}`;
  if (type === 'string') {
    if (Array.isArray(p['x-canonical']))
      return `string: one of ${(p['x-canonical'] as string[]).map((w) => `\`${w}\``).join(', ')}`;
    if (typeof p.pattern === 'string') return `string matching \`${p.pattern}\``;
    if (p.minLength) return 'string (not empty)';
  }
  if (type === 'integer' || type === 'number') {
    const bounds = [
      p.minimum !== undefined ? `>= ${String(p.minimum)}` : '',
      p.exclusiveMinimum !== undefined ? `> ${String(p.exclusiveMinimum)}` : '',
      p.maximum !== undefined ? `\\<= ${String(p.maximum)}` : '',
    ].filter(Boolean);
    return bounds.length ? `${type} ${bounds.join(', ')}` : (type ?? 'any');
  }
  return type ?? 'any';
}

function legacyForms(key: string, p: JsonSchema, parent: JsonSchema): string {
  const forms: string[] = [];
  if (p.deprecated) forms.push('legacy spelling (OCT 0.4), accepted');
  // Another property that is the legacy spelling of this one.
  for (const [other, q] of Object.entries(parent.properties ?? {})) {
    if (q.deprecated && (q.description ?? '').includes(`\`${key}\``)) forms.push(`written \`${other}\``);
  }
  const ref = p.$ref ?? p.additionalProperties;
  const refText = typeof ref === 'string' ? ref : typeof ref === 'object' ? (ref.$ref ?? '') : '';
  if (/\$defs\/seconds$/.test(refText)) forms.push('numeric string, e.g. `"0.25"`');
  if (/\$defs\/count$/.test(refText)) forms.push('numeric string, e.g. `"30"`');
  if (Array.isArray(p['x-canonical'])) forms.push('any case, e.g. `READY`, `Running`, `Killed`');
  return forms.join('; ');
}

/** Clause numbers a schema names: its `x-clause`, then every `(spec X)` in its descriptions. */
function clausesOf(schema: JsonSchema): string[] {
  const found = new Set<string>();
  if (schema['x-clause']) found.add(schema['x-clause']);
  for (const m of JSON.stringify(schema).matchAll(/\(spec (\d[\d.]*(?:, \d[\d.]*)*)\)/g)) {
    for (const ref of m[1]!.split(', ')) if (ref.includes('.')) found.add(ref);
  }
  return [...found].sort((a, b) => {
    const pa = a.split('.').map(Number);
    const pb = b.split('.').map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const d = (pa[i] ?? -1) - (pb[i] ?? -1);
      if (d) return d;
    }
    return 0;
  });
}

const clauseLink = (n: string) => `link:protocol.html#clause-${n}[${n}]`;
const anchor = (name: string) => `msg-${name}`;
/** Descriptions as AsciiDoc: one paragraph, no stray line breaks. */
const text = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
/** Table cells must not contain an unescaped `|`. */
const cell = (s: string) => s.replace(/\|/g, '\\|');
