/** Config of the bolt plugin (`plugins.bolt.*`, env CAPSTAN_PLUGINS_BOLT_<KEY>). */
import { Type, type Static } from '@sinclair/typebox';

export const BoltConfigSchema = Type.Object({
  /** The Bolt executable (name on PATH or absolute path). Default `bolt`. */
  binary: Type.String({ default: 'bolt', minLength: 1 }),
  /** Bolt project directory (`--project`); holds bolt-project.yaml, inventory.yaml, modules. */
  projectDir: Type.Optional(Type.String({ minLength: 1 })),
  /** Inventory file (`--inventoryfile`); default: the project's inventory.yaml. */
  inventoryFile: Type.Optional(Type.String({ minLength: 1 })),
  /** Bolt's own parallelism (`--concurrency`). Default 100, as Bolt's. */
  concurrency: Type.Integer({ default: 100, minimum: 1, maximum: 10_000 }),
  /** Connect timeout passed to Bolt (`--connect-timeout`, seconds). Default 10. */
  connectTimeoutSeconds: Type.Integer({ default: 10, minimum: 1 }),
  /** Inventory served fresh for this long, then stale while one refresh runs. Defaults 60 s / 300 s. */
  inventoryTtlSeconds: Type.Integer({ default: 60, minimum: 0 }),
  inventoryStaleSeconds: Type.Integer({ default: 300, minimum: 0 }),
  /** Facts cache per node. Default 300 s. */
  factsTtlSeconds: Type.Integer({ default: 300, minimum: 0 }),
  /** Time a query (inventory, task show, facts) may take. Default 60 s. */
  queryTimeoutSeconds: Type.Integer({ default: 60, minimum: 1 }),
  /**
   * Largest JSON document read from Bolt's stdout, in bytes (UTF-8). Bolt prints each target's result, a
   * plan's result and the whole inventory as ONE line; each is read whole up to this size. A larger one is
   * dropped (its memory is not held) and its targets, plan or query fail with
   * CAPSTAN_ERR_OUTPUT_DOCUMENT_TOO_LARGE. Default 67108864 (64 MiB); at most 256 MiB (V8 strings end near
   * 512 MiB and parsing needs several times the document's size).
   */
  maxDocumentBytes: Type.Integer({ default: 67_108_864, minimum: 1024, maximum: 268_435_456 }),
}, { additionalProperties: false });

export type BoltConfig = Static<typeof BoltConfigSchema>;
