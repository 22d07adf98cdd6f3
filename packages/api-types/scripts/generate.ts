/**
 * Regenerates generated/schema.ts from the OpenAPI document of a real platform:
 * `npm run generate -w @bookflow/api-types`.
 */
import { writeFile } from 'node:fs/promises';
import { GENERATED_TYPES_PATH, servedDocument, typesOf } from './openapi-types.ts';

await writeFile(GENERATED_TYPES_PATH, await typesOf(await servedDocument()));
console.log(`wrote ${GENERATED_TYPES_PATH.pathname}`);
