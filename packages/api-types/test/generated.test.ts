import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  GENERATED_TYPES_PATH,
  REGENERATE_COMMAND,
  servedDocument,
  typesOf,
} from '../scripts/openapi-types.ts';

describe('the generated API types (generated/schema.ts), shared by the CLI and the dashboard', () => {
  it('match the OpenAPI document the platform serves now', async () => {
    const committed = await readFile(GENERATED_TYPES_PATH, 'utf8');
    const fresh = await typesOf(await servedDocument());
    if (fresh !== committed) {
      throw new Error(
        `packages/api-types/generated/schema.ts no longer matches the served OpenAPI document: run \`${REGENERATE_COMMAND}\` and commit the result`,
      );
    }
    expect(committed).toContain('"/v1/listen/{id}/stream"');
  });
});
