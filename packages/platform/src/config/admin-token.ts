import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Embedded mode with no BOOKFLOW_ADMIN_TOKEN: generate one into the data dir (mode 0600) the first
 * time, and reuse it after. `generated` tells the caller to print it, which happens only once.
 */
export function embeddedAdminToken(dataDir: string): { token: string; generated: boolean; path: string } {
  const path = join(dataDir, 'admin-token');
  if (existsSync(path)) return { token: readFileSync(path, 'utf8').trim(), generated: false, path };
  mkdirSync(dataDir, { recursive: true });
  const token = `bfadm_${randomBytes(32).toString('base64url')}`;
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
  return { token, generated: true, path };
}
