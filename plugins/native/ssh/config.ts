/** Config of the ssh plugin (`plugins.ssh.*`, env CAPSTAN_PLUGINS_SSH_<KEY>). */
import { Type, type Static } from '@sinclair/typebox';

export const SshConfigSchema = Type.Object({
  /** Bolt inventory v2 YAML file. Default: none, which means a one-node inventory: `localhost` over the local transport. */
  inventoryFile: Type.Optional(Type.String({ minLength: 1, description: 'Bolt inventory v2 YAML file (default: localhost only, local transport).' })),
  /** The OpenSSH client binary. Default `ssh`. */
  sshBinary: Type.String({ default: 'ssh', description: 'OpenSSH client binary.' }),
  /** Seconds to wait for a TCP connection and the SSH handshake. Default 10. */
  connectTimeoutSeconds: Type.Integer({ default: 10, minimum: 1, maximum: 300 }),
  /** Default host key policy for targets that set none: yes (strict) | accept-new | no. Default yes. */
  hostKeyCheck: Type.Union([Type.Literal('yes'), Type.Literal('accept-new'), Type.Literal('no')], { default: 'yes' }),
  /** known_hosts file; default: the OpenSSH client's own. */
  knownHostsFile: Type.Optional(Type.String({ minLength: 1 })),
  /** Targets run in parallel within one execution. Default 32. */
  maxParallel: Type.Integer({ default: 32, minimum: 1, maximum: 1000 }),
  /** After a cancel over ssh, seconds between SIGTERM and SIGKILL of the remote command. Default 5. */
  remoteKillGraceSeconds: Type.Integer({ default: 5, minimum: 0, maximum: 300 }),
  /**
   * OS account that commands on `local` transport targets run as (the server must run as root and switches with
   * setpriv). Default: none, local runs are the server's own account and need the admin permission `*`.
   */
  localUser: Type.Optional(Type.String({
    minLength: 1, maxLength: 32, pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$',
    description: 'OS account local-transport runs switch to (server as root); without it local runs need the admin permission *.',
  })),
  /** How long gathered facts are served from cache. Default 300 s. */
  factsTtlSeconds: Type.Integer({ default: 300, minimum: 0 }),
}, { additionalProperties: false });

export type SshConfig = Static<typeof SshConfigSchema>;
