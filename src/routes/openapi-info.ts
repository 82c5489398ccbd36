/** The OpenAPI document's header: info, tags, servers, security. */
export const TAGS = [
  { name: 'health', description: 'Liveness and readiness probes.' },
  { name: 'meta', description: 'What operators and tools read about the server itself: Prometheus metrics and this document. Open even when tokens are configured.' },
  { name: 'plugins', description: 'Loaded plugins, their state and health.' },
  { name: 'capabilities', description: 'The capability catalog and direct invocation.' },
  { name: 'inventory', description: 'Nodes and groups across inventory sources.' },
  { name: 'nodes', description: 'Per-node facts, managed resources and journal.' },
  { name: 'executions', description: 'Runs of commands, scripts, tasks and plans: queue, output, streams.' },
  { name: 'records', description: 'Reports, events, alerts, packages, deployments and provisioned resources.' },
  { name: 'configserver', description: 'The configuration server (Puppetserver): status, code environments, CA certificates. Its changes are capabilities: POST /api/v1/capabilities/{name}/invoke.' },
  { name: 'query', description: "Queries in a source's native language (PuppetDB PQL and AST); admin only." },
  { name: 'tokens', description: 'API tokens (`Authorization: Bearer cap_...`): create, list, revoke; admin only.' },
  { name: 'audit', description: 'The append-only audit trail: refused requests, token changes, runs submitted and cancelled; admin only.' },
];

/** Independent of config, so the committed document is the same whatever the server's settings. */
export function openapiInfo() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Capstan API',
      version: '0.1.0',
      description: 'Drives classic infrastructure (bare metal, VMs) through capability plugins.\n\n'
        + 'Errors are application/problem+json (RFC 9457). `type` is `https://capstan.dev/errors#` followed by the code in lower case '
        + '(its section of docs/errors.md); validation problems list `errors[]`, each with `in` (body, query, path, header) and an '
        + 'RFC 6901 `pointer` into that part (into the JSON body as sent: `/params/command`).\n\n'
        + 'Authentication: with tokens configured, every /api operation needs `Authorization: Bearer <token>` (401 with '
        + '`WWW-Authenticate: Bearer` otherwise); without, the API is open. Probes (/health), /metrics and /openapi.json never need a token.\n\n'
        + 'Out of this contract: the Swagger UI at /docs/ (an HTML page and its assets, for humans; its paths follow @fastify/swagger-ui).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: TAGS,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http' as const, scheme: 'bearer',
          description: 'A token of the server\'s `token` or `tokens` config. Each /api operation lists it (or none: a server without tokens is open); probes, /metrics and /openapi.json list no security.',
        },
      },
    },
    // No document-wide `security`: each /api operation carries its own (routes/auth.ts), the open ones none.
  };
}
