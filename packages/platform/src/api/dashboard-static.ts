import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The dashboard's pages: each is the same index.html, the app routes in the browser. Listed, not a
 * catch-all, so an unknown /v1 path still answers the API's 404 problem.
 */
export const DASHBOARD_PAGES = [
  '/',
  '/sign-in',
  '/endpoints/:id',
  '/deliveries',
  '/deliveries/:id',
  '/dead-letters',
  '/health',
  '/catalogue',
  '/settings',
];

/**
 * Everything the page needs comes from this origin, scripts only from files (no inline script, no
 * eval), and no other site may frame it (clickjacking on the replay and delete buttons).
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', DASHBOARD_CSP);
  reply.header('x-frame-options', 'DENY');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
}

/** True when the dashboard was built; without it, / keeps the plain page that points to /docs. */
export function dashboardBuilt(dir: string): boolean {
  return existsSync(join(dir, 'index.html'));
}

/**
 * Serves the built dashboard: hashed assets cached for a year (a new build has new names),
 * index.html revalidated on every load so a new build is picked up at once.
 */
export async function registerDashboard(app: FastifyInstance, dir: string): Promise<void> {
  const index = readFileSync(join(dir, 'index.html'));
  await app.register(fastifyStatic, {
    root: join(dir, 'assets'),
    prefix: '/assets/',
    index: false,
    cacheControl: false,
    setHeaders(res) {
      res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      res.setHeader('content-security-policy', DASHBOARD_CSP);
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });
  for (const page of DASHBOARD_PAGES) {
    app.get(page, { schema: { hide: true } }, async (_request, reply) => {
      securityHeaders(reply);
      reply.header('cache-control', 'no-cache');
      return reply.type('text/html; charset=utf-8').send(index);
    });
  }
}
