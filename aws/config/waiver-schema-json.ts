// The published JSON schema of waiver documents (docs/schema/waivers.schema.json), generated from the
// zod schema that validates them, so that editors and CI can check a waiver file before efsguard reads
// it (`npm run schema` rewrites the file). test/unit/aws/waivers.test.ts fails when the committed file drifts from this.
import { toJSONSchema } from 'zod';
import { waiverDocumentSchema } from '../../core/waivers';

export function waiverSchemaJson(): Record<string, unknown> {
  return {
    ...toJSONSchema(waiverDocumentSchema, { target: 'draft-2020-12' }),
    title: 'efsguard waivers',
  };
}
