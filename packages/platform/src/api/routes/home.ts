import type { FastifyInstance } from 'fastify';

const PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>BookFlow Webhooks</title></head>
<body>
<h1>BookFlow Webhooks</h1>
<p>The API is running. The dashboard is not built here (<code>npm run build -w @bookflow/dashboard</code>, or <code>npm start</code> builds it); these are the places to look:</p>
<ul>
<li><a href="/docs">/docs</a>: the API reference, generated from the routes (try calls from the page)</li>
<li><a href="/openapi.json">/openapi.json</a>: the OpenAPI 3.1 document</li>
<li><a href="/v1/event-types">/v1/event-types</a>: the event catalogue, with an example payload per type</li>
<li><a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a>, <a href="/metrics">/metrics</a></li>
</ul>
</body>
</html>
`;

/** `GET /` when the dashboard is not built: points a person who opens the base URL to the docs. */
export function homeRoutes(app: FastifyInstance): void {
  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(PAGE),
  );
}
