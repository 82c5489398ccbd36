/** Registers the resource files in an explicit order (no autoload). */
import type { FastifyInstance } from 'fastify';
import capabilityRoutes from './capabilities.js';
import executionRoutes from './executions.js';
import healthRoutes from './health.js';
import inventoryRoutes from './inventory.js';
import nodeRoutes from './nodes.js';
import pluginRoutes from './plugins.js';

export async function registerRoutes(app: FastifyInstance): Promise<void> {
  await app.register(healthRoutes);
  await app.register(pluginRoutes);
  await app.register(capabilityRoutes);
  await app.register(inventoryRoutes);
  await app.register(nodeRoutes);
  await app.register(executionRoutes);
}
