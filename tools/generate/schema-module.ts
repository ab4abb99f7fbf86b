// spec/schemas -> a module exporting the raw schemas, so third parties validate against the same bytes.
import { banner, pascal, type SchemaFile } from './schemas.js';

export function generateSchemaModule(schemas: SchemaFile[]): string {
  const lines = schemas.map(
    ({ name, schema }) => `export const ${pascal(name)}Schema = ${JSON.stringify(schema, null, 2)} as const;`,
  );
  const all = schemas.map(({ name }) => `  ${JSON.stringify(name)}: ${pascal(name)}Schema,`).join('\n');
  return `${banner('spec/schemas/*.schema.json')}\n${lines.join('\n\n')}\n\n/** Every schema by short name. */\nexport const schemas = {\n${all}\n} as const;\n`;
}
