/** The opt-in helpers every plugin receives as `opts.helpers` (they know no plugin). */
import type { PluginHelpers } from '../core/helpers-api.js';
import { ExecutionLogger } from './execution-logger.js';
import { createFactsCache } from './facts-cache.js';
import { createInventoryCache } from './inventory-cache.js';
import { CircuitBreaker, withRetry } from './retry.js';

export const helpers: PluginHelpers = {
  createInventoryCache,
  createFactsCache,
  withRetry,
  createCircuitBreaker: (name, opts) => new CircuitBreaker(name, opts),
  createExecutionLogger: (logger, fields) => new ExecutionLogger(logger, fields),
};
