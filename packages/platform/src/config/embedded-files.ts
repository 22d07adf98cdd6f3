import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EmbeddedFile {
  value: string;
  generated: boolean;
  path: string;
}

/**
 * A value generated once into the data dir (mode 0600) and reused after: the admin token and the
 * master key of embedded mode, when the environment gives none.
 */
function generatedOnce(dataDir: string, name: string, make: () => string): EmbeddedFile {
  const path = join(dataDir, name);
  if (existsSync(path)) return { value: readFileSync(path, 'utf8').trim(), generated: false, path };
  mkdirSync(dataDir, { recursive: true });
  const value = make();
  writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return { value, generated: true, path };
}

export function embeddedAdminToken(dataDir: string): EmbeddedFile {
  return generatedOnce(dataDir, 'admin-token', () => `bfadm_${randomBytes(32).toString('base64url')}`);
}

export function embeddedMasterKey(dataDir: string): EmbeddedFile {
  return generatedOnce(dataDir, 'master-key', () => randomBytes(32).toString('hex'));
}
