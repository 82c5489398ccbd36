/** Config of the nagios plugin (`plugins.nagios.*`, env CAPSTAN_PLUGINS_NAGIOS_<KEY>). */
import { Type, type Static } from '@sinclair/typebox';
import { sensitive } from '../../../src/capabilities/sensitive.js';

export const NagiosConfigSchema = Type.Object({
  /**
   * Base URL of Nagios Core's CGIs, the folder holding statusjson.cgi, archivejson.cgi and cmd.cgi:
   * `http://nagios.example.com/nagios4/cgi-bin` (Debian) or `.../nagios/cgi-bin` (source builds). Plain HTTP
   * is accepted on loopback only, unless allowPlainHttp (Basic auth sends the password with every request).
   * Setting it enables the plugin (CAPSTAN_PLUGINS_NAGIOS_URL).
   */
  url: Type.String({ minLength: 1, default: 'http://127.0.0.1/nagios4/cgi-bin', description: 'Base URL of the Nagios CGIs (…/cgi-bin).' }),
  /** HTTP Basic user the web server authenticates; the CGIs authorize it by cgi.cfg's authorized_for_* (CAPSTAN_PLUGINS_NAGIOS_USER). */
  user: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'HTTP Basic user (a Nagios CGI user).' })),
  /** Its password (CAPSTAN_PLUGINS_NAGIOS_PASSWORD); never logged nor shown. */
  password: Type.Optional(Type.String({ minLength: 1, ...sensitive(), description: 'HTTP Basic password (secret).' })),
  /** Plain HTTP to a host that is not loopback. Default false. */
  allowPlainHttp: Type.Boolean({ default: false, description: 'Allow http:// to a non-loopback host.' }),
  /** Time one HTTP request to a CGI may take. Default 10000 ms. */
  timeoutMs: Type.Integer({ default: 10_000, minimum: 100, maximum: 300_000 }),
  /**
   * How long acknowledge/resolve wait for Nagios to show a command in statusjson (status.dat is rewritten every
   * status_update_interval, 10 s by default, 1 s in the test recipe). Default 20000 ms.
   */
  commandTimeoutMs: Type.Integer({ default: 20_000, minimum: 500, maximum: 300_000 }),
  /** Nagios host name -> Capstan node name, for hosts whose names differ. Default none: the node is the host name. */
  nodeMap: Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1, maxLength: 255 }), { default: {}, description: 'Nagios host name -> Capstan node name (YAML).' }),
  /** journal.list without `since` reads this many days of Nagios's log (archivejson). Default 31. */
  historyDays: Type.Integer({ default: 31, minimum: 1, maximum: 3660 }),
}, { additionalProperties: false });

export type NagiosConfig = Static<typeof NagiosConfigSchema>;
