/**
 * Regenerates src/api/schema.ts from the OpenAPI document of a real platform (an in-memory PGlite
 * database, nothing listening): `npm run generate -w @bookflow/cli`.
 */
import { writeFile } from 'node:fs/promises';
import { openPglite } from '@bookflow/pg';
import { createPlatform } from '../../platform/src/app.ts';
import { testConfig } from '../../platform/src/config/config.ts';
import { migrate } from '../../platform/src/db/migrate.ts';
import { GENERATED_TYPES_PATH, typesOf } from './openapi-types.ts';

const db = await openPglite(null);
await migrate(db);
const platform = await createPlatform(
  testConfig({ logLevel: 'silent', masterKey: Buffer.alloc(32, 1), roles: ['api'] }),
  { db },
);
const answer = await platform.api!.inject({ method: 'GET', url: '/openapi.json' });
await writeFile(GENERATED_TYPES_PATH, await typesOf(answer.json()));
await platform.stop();
await db.close();
console.log(`wrote ${GENERATED_TYPES_PATH.pathname}`);
