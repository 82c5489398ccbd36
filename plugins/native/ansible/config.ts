/** Config of the ansible plugin (`plugins.ansible.*`, env CAPSTAN_PLUGINS_ANSIBLE_<KEY>). */
import { Type, type Static } from '@sinclair/typebox';

export const AnsibleConfigSchema = Type.Object({
  /**
   * Inventory source passed to every ansible call (`-i`): an ini or yaml file, a directory (with its
   * group_vars/ and host_vars/), or anything else ansible-inventory accepts. Setting it enables the plugin.
   */
  inventory: Type.Optional(Type.String({ minLength: 1 })),
  /** Directory holding the playbooks that plan.execute may run (`deploy::web` = `<projectDir>/deploy/web.yml`); also the working directory. */
  projectDir: Type.Optional(Type.String({ minLength: 1 })),
  /** ansible.cfg to use (env ANSIBLE_CONFIG of the child); default: Ansible's own search (projectDir/ansible.cfg, ~/.ansible.cfg, /etc/ansible). */
  configFile: Type.Optional(Type.String({ minLength: 1 })),
  /** File holding the vault password (`--vault-password-file`); only its path is passed and logged, never its content. */
  vaultPasswordFile: Type.Optional(Type.String({ minLength: 1 })),
  /** Directory of the ansible executables (`ansible`, `ansible-playbook`, `ansible-inventory`); default: PATH. */
  binDir: Type.Optional(Type.String({ minLength: 1 })),
  /** Ansible's parallelism (ANSIBLE_FORKS). Default 10. */
  forks: Type.Integer({ default: 10, minimum: 1, maximum: 1000 }),
  /** Connection timeout (ANSIBLE_TIMEOUT, seconds). Default 10. */
  connectTimeoutSeconds: Type.Integer({ default: 10, minimum: 1 }),
  /** Inventory served fresh for this long, then stale while one refresh runs. Defaults 60 s / 300 s. */
  inventoryTtlSeconds: Type.Integer({ default: 60, minimum: 0 }),
  inventoryStaleSeconds: Type.Integer({ default: 300, minimum: 0 }),
  /** Facts cache per node. Default 300 s. */
  factsTtlSeconds: Type.Integer({ default: 300, minimum: 0 }),
  /** Time a query (inventory, facts) may take. Default 60 s. Runs are bounded by the execution's timeout. */
  queryTimeoutSeconds: Type.Integer({ default: 60, minimum: 1 }),
  /** Largest callback line read from Ansible's stdout (one host's result), bytes. Default 64 MiB. */
  maxEventBytes: Type.Integer({ default: 67_108_864, minimum: 1024, maximum: 268_435_456 }),
}, { additionalProperties: false });

export type AnsibleConfig = Static<typeof AnsibleConfigSchema>;
