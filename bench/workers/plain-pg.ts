// Baseline (d): the simplest honest PostgreSQL queue, what the platform should beat. A table of
// jobs (one per event and endpoint), `LOOPS` loops that each claim a batch with FOR UPDATE SKIP
// LOCKED, sign each body (HMAC-SHA256, the platform's headers), POST them all with undici, and then
// record the batch in one statement: the jobs marked delivered (or pending again on a failure) and
// one attempt row per delivery. The batches add up to the platform's concurrency, so both keep the
// same number of requests in flight. No leases, fan-out, secrets, limits or fair shares: that is
// what the platform adds, and what the ratio to this baseline prices.
import pg from 'pg';
import { deliveryJobs, signer } from './payloads.ts';
import { baselineAgent, type DeliverySystem, post, type WorkerSpec } from './system.ts';

const LOOPS = 4;

const SCHEMA = `
  create table jobs (
    id bigserial primary key,
    url text not null,
    event_id text not null,
    event_type text not null,
    body text not null,
    status text not null default 'pending',
    attempts int not null default 0,
    created_at timestamptz not null default now(),
    delivered_at timestamptz
  );
  create index jobs_pending on jobs (id) where status = 'pending';
  create table attempts (
    id bigserial primary key,
    job_id bigint not null references jobs (id),
    attempt int not null,
    ok boolean not null,
    started_at timestamptz not null,
    duration_ms int not null
  );
  create index attempts_job on attempts (job_id);`;

const CLAIM = `
  update jobs j set status = 'delivering', attempts = j.attempts + 1
    from (select id from jobs where status = 'pending' order by id limit $1 for update skip locked) c
   where j.id = c.id
  returning j.id, j.url, j.event_id, j.event_type, j.body, j.attempts`;

const RECORD = `
  with input as (
    select * from unnest($1::bigint[], $2::int[], $3::boolean[], $4::timestamptz[], $5::int[])
      as u (id, attempt, ok, started_at, duration_ms)
  ), done as (
    update jobs j set status = case when input.ok then 'delivered' else 'pending' end,
           delivered_at = case when input.ok then now() end
      from input where j.id = input.id
  )
  insert into attempts (job_id, attempt, ok, started_at, duration_ms)
  select id, attempt, ok, started_at, duration_ms from input`;

interface Row {
  id: string;
  url: string;
  event_id: string;
  event_type: string;
  body: string;
  attempts: number;
}

export function plainPg(spec: WorkerSpec): DeliverySystem {
  const pool = new pg.Pool({ connectionString: spec.databaseUrl!, max: LOOPS + 1 });
  const agent = baselineAgent();
  const sign = signer(spec.secret);
  const batch = Math.max(1, Math.ceil(spec.concurrency / LOOPS));
  let running = false;
  let loops: Promise<void>[] = [];
  let failures = 0;

  async function loop() {
    while (running) {
      const { rows } = await pool.query<Row>(CLAIM, [batch]);
      if (rows.length === 0) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const started = rows.map(() => new Date());
      const ms = await Promise.all(
        rows.map(async (r, i) => {
          const job = { url: r.url, id: r.event_id, type: r.event_type, body: r.body };
          started[i] = new Date();
          const ok = await post(agent, job, sign(job, r.attempts)).catch(() => false);
          return { ok, ms: Date.now() - started[i]!.getTime() };
        }),
      );
      failures += ms.filter((m) => !m.ok).length;
      await pool.query(RECORD, [
        rows.map((r) => r.id),
        rows.map((r) => r.attempts),
        ms.map((m) => m.ok),
        started,
        ms.map((m) => m.ms),
      ]);
    }
  }

  return {
    async prepare() {
      await pool.query(SCHEMA);
      const jobs = deliveryJobs(spec.events, spec.urls);
      for (let i = 0; i < jobs.length; i += 1_000) {
        const chunk = jobs.slice(i, i + 1_000);
        await pool.query(
          'insert into jobs (url, event_id, event_type, body) select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])',
          [
            chunk.map((j) => j.url),
            chunk.map((j) => j.id),
            chunk.map((j) => j.type),
            chunk.map((j) => j.body),
          ],
        );
      }
      await pool.query('analyze jobs');
    },
    async start() {
      running = true;
      loops = Array.from({ length: LOOPS }, () => loop());
    },
    async stats() {
      return { failures };
    },
    async stop() {
      running = false;
      await Promise.allSettled(loops);
      await pool.end();
      await agent.close();
    },
  };
}
