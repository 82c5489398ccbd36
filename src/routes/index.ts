/** Registers the resource files in an explicit order (no autoload). */
import type { FastifyInstance } from 'fastify';
import alertRoutes from './alerts.js';
import auditRoutes from './audit.js';
import journalRoutes from './journal.js';
import capabilityRoutes from './capabilities.js';
import configServerRoutes from './config-server.js';
import deploymentRoutes from './deployments.js';
import eventRoutes from './events.js';
import executionRoutes from './executions.js';
import healthRoutes from './health.js';
import inventoryRoutes from './inventory.js';
import nodeRoutes from './nodes.js';
import packageRoutes from './packages.js';
import pluginRoutes from './plugins.js';
import provisioningRoutes from './provisioning.js';
import queryRoutes from './query.js';
import reportRoutes from './reports.js';
import streamTicketRoutes from './stream-tickets.js';
import tokenRoutes from './tokens.js';

export async function registerRoutes(app: FastifyInstance): Promise<void> {
  await app.register(healthRoutes);
  await app.register(pluginRoutes);
  await app.register(capabilityRoutes);
  await app.register(inventoryRoutes);
  await app.register(nodeRoutes);
  await app.register(executionRoutes);
  await app.register(reportRoutes);
  await app.register(eventRoutes);
  await app.register(alertRoutes);
  await app.register(packageRoutes);
  await app.register(deploymentRoutes);
  await app.register(provisioningRoutes);
  await app.register(configServerRoutes);
  await app.register(queryRoutes);
  await app.register(tokenRoutes);
  await app.register(auditRoutes);
  await app.register(journalRoutes);
  await app.register(streamTicketRoutes);
}
