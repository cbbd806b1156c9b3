/**
 * Writes tools/simulator/people.schema.json from the zod schema of a people file, so editors
 * complete and check people/*.json as they are typed. Run after changing people-file.ts:
 *
 *   npx tsx tools/simulator/write-people-schema.ts
 *
 * test/unit/simulator-people.test.ts fails while the committed file is out of date.
 */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { PEOPLE_JSON_SCHEMA_FILE, peopleJsonSchema } from './people-file';

async function main(): Promise<void> {
  const options = (await resolveConfig(PEOPLE_JSON_SCHEMA_FILE)) ?? {};
  const text = await format(JSON.stringify(peopleJsonSchema()), { ...options, parser: 'json' });
  writeFileSync(PEOPLE_JSON_SCHEMA_FILE, text);
  process.stdout.write(`wrote ${PEOPLE_JSON_SCHEMA_FILE}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`write-people-schema: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
