// spec/schemas -> TypeScript types (json-schema-to-typescript). One root schema references every
// document so that shared definitions are declared exactly once.
import { compile } from 'json-schema-to-typescript';
import { banner, schemaDir, type SchemaFile } from './schemas.js';

export async function generateTypes(schemas: SchemaFile[]): Promise<string> {
  const documents = schemas.filter((s) => s.name !== 'common');
  const root = {
    title: 'OctSpecDocuments',
    description: 'Every document of the OCT spec by short name (a generator artefact; use the named types).',
    type: 'object',
    additionalProperties: false,
    required: documents.map((d) => d.name),
    properties: Object.fromEntries(documents.map((d) => [d.name, { $ref: d.file }])),
  };
  const ts = await compile(root as never, 'OctSpecDocuments', {
    bannerComment: '',
    cwd: schemaDir,
    additionalProperties: true,
    unreachableDefinitions: false,
    format: true,
    style: { singleQuote: true, printWidth: 110 },
  });
  return `${banner('spec/schemas/*.schema.json (json-schema-to-typescript)')}\n${ts}`;
}
