// `@bookflow/receiver/fetch`: the Fetch-API handler for Hono, Next.js App Router, Bun, Deno.
export { DEFAULT_BODY_LIMIT } from './adapters/body-limit.ts';
export { createFetchHandler, type FetchHandler, type FetchHandlerOptions } from './adapters/fetch.ts';
