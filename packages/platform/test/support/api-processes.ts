import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ADMIN_TOKEN, TEST_MASTER_KEY_HEX } from './platform.ts';

const API_SCRIPT = fileURLToPath(new URL('./api-process.ts', import.meta.url));

export interface ApiProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> */
  url: string;
  stop(): Promise<void>;
}

/** Starts test/support/api-process.ts as a real child process on the database; resolves once it listens. */
export async function spawnApi(databaseUrl: string): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', API_SCRIPT], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      BOOKFLOW_MASTER_KEY: TEST_MASTER_KEY_HEX,
      BOOKFLOW_ADMIN_TOKEN: ADMIN_TOKEN,
      BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS: 'true',
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8_000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /api-ready (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) =>
      reject(new Error(`api process exited with ${code} before listening: ${stderr}`)),
    );
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
