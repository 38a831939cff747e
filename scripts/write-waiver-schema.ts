// Rewrites docs/schema/waivers.schema.json from the zod schema (npm run schema).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waiverSchemaJson } from '../aws/config/waiver-schema-json';

writeFileSync(
  join(__dirname, '../docs/schema/waivers.schema.json'),
  `${JSON.stringify(waiverSchemaJson(), null, 2)}\n`,
);
