// CPU time per unit of work, to tell where a run's time goes on a machine where the worker, the
// receiver and PostgreSQL share the cores. PostgreSQL's share is the CPU of the client backends
// connected to the run's own database, read from /proc (PostgreSQL runs on this machine); the
// shared WAL writer, checkpointer and background writer are not counted. Linux only; NaN elsewhere.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { DATABASE_URL } from './database.ts';

const TICKS_PER_SECOND = 100; // USER_HZ: utime/stime in /proc/<pid>/stat are in these units on Linux

/** utime + stime of a process in ms, or null when it is gone or /proc is not there. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3; utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

async function backends(database: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    );
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

/**
 * Starts counting the CPU of `database`'s backends; read() gives the ms used since, by backends
 * alive at that moment (read before the pools close: a backend that has exited takes its time away).
 */
export async function postgresCpuMeter(database: string) {
  const start = new Map<number, number>();
  for (const pid of await backends(database)) start.set(pid, processCpuMs(pid) ?? 0);
  return {
    async read(): Promise<number> {
      let total = 0;
      let seen = false;
      for (const pid of await backends(database)) {
        const now = processCpuMs(pid);
        if (now === null) continue;
        seen = true;
        total += now - (start.get(pid) ?? 0);
      }
      return seen ? total : Number.NaN;
    },
  };
}
