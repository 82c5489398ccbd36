/** Config of the terraform plugin (`plugins.terraform.*`, env CAPSTAN_PLUGINS_TERRAFORM_<KEY>). */
import { Type, type Static } from '@sinclair/typebox';

export const TerraformConfigSchema = Type.Object({
  /**
   * Directory of the modules requests may name as `template` (each a directory under it, e.g. `vm` or
   * `modules/vm`). Setting it enables the plugin (env CAPSTAN_PLUGINS_TERRAFORM_MODULE_DIR).
   */
  moduleDir: Type.Optional(Type.String({ minLength: 1 })),
  /** The executable: `terraform` (default) or `tofu` (OpenTofu speaks the same formats), a name on PATH or a path. */
  binary: Type.String({ default: 'terraform', minLength: 1 }),
  /**
   * Which outputs of a module describe the node it made: `name` (checked only: the node is always named as
   * the request's `name`, a differing output is reported), `address` (the node's `uri`), `transport` (default `ssh`), `groups` (a list, added to the request's).
   */
  inventoryOutputs: Type.Object({
    name: Type.String({ default: 'name', minLength: 1 }),
    address: Type.String({ default: 'address', minLength: 1 }),
    transport: Type.String({ default: 'transport', minLength: 1 }),
    groups: Type.String({ default: 'groups', minLength: 1 }),
  }, { default: {}, additionalProperties: false }),
  /** How long plan, apply and destroy wait for a state lock held elsewhere (`-lock-timeout`), then fail saying who holds it. Default 10 s. */
  lockTimeoutSeconds: Type.Integer({ default: 10, minimum: 0, maximum: 3600 }),
  /**
   * On cancel or timeout the CLI gets SIGINT first (it stops starting resources, ends what runs, writes its
   * state and releases its lock); after this many seconds it and its children are ended (SIGTERM, which
   * Terraform takes as a second interrupt: it exits at once without writing its state; then SIGKILL after
   * execution.cancelGraceMs). The run, and its queue lock on the resource, lasts until then. Default 30 s.
   */
  interruptSeconds: Type.Number({ default: 30, minimum: 0, maximum: 600 }),
  /**
   * Variables of the server's environment passed on to the CLI, by name (provider credentials such as
   * `AWS_PROFILE`, `TF_CLI_CONFIG_FILE`, `TF_PLUGIN_CACHE_DIR`): the CLI otherwise gets only the allow-listed
   * ones (PATH, HOME, LANG, ...). Default none.
   */
  passEnv: Type.Array(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), { default: [], maxItems: 100 }),
  /** Time `output -json`, `show -json` and `version` may take (status reads, health). Default 60 s. */
  queryTimeoutSeconds: Type.Integer({ default: 60, minimum: 1 }),
}, { additionalProperties: false });

export type TerraformConfig = Static<typeof TerraformConfigSchema>;
