/**
 * Produces the OpenAPI document from the routes (the same one /openapi.json serves) without listening:
 * used by `npm run openapi` and by the drift test.
 */
import { rmSync } from 'node:fs';
import { buildApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { tempDir } from './temp-dir.js';

export async function generateOpenApi(): Promise<Record<string, unknown>> {
  const dataDir = tempDir();
  // Defaults only (env ignored) and no plugins: plugins add no routes, so the document never depends on them.
  const app = await buildApp(loadConfig({ env: {}, overrides: { dataDir, logLevel: 'silent', healthIntervalMs: 0 } }), { plugins: [] });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function serialize(doc: unknown): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
