/** The OpenAPI document's header: info, tags, servers, security. */
export const TAGS = [
  { name: 'health', description: 'Liveness and readiness probes.' },
  { name: 'plugins', description: 'Loaded plugins, their state and health.' },
  { name: 'capabilities', description: 'The capability catalog and direct invocation.' },
  { name: 'inventory', description: 'Nodes and groups across inventory sources.' },
  { name: 'nodes', description: 'Per-node facts and journal.' },
  { name: 'executions', description: 'Runs of commands, scripts, tasks and plans: queue, output, streams.' },
  { name: 'records', description: 'Reports, events, alerts, packages, deployments and provisioned resources.' },
];

/** Independent of config, so the committed document is the same whatever the server's settings. */
export function openapiInfo() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Capstan API',
      version: '0.1.0',
      description: 'Drives classic infrastructure (bare metal, VMs) through capability plugins. Errors are application/problem+json (RFC 9457).',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: TAGS,
    components: {
      securitySchemes: { bearer: { type: 'http' as const, scheme: 'bearer', description: 'Required on /api when the server has a token configured.' } },
    },
    // Auth is optional: `{}` means an unauthenticated call is allowed when no token is configured.
    security: [{ bearer: [] as string[] }, {} as Record<string, string[]>],
  };
}
