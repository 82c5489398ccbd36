/**
 * Health of the icinga source: does the API answer (GET /v1/status/IcingaApplication), over verified TLS, to
 * this ApiUser, and may the user query the four object types the alerts are read from? Icinga refuses a
 * missing permission with 404 "No objects found." (not 403); with `verbose=1` it names the permission, which
 * is what the message repeats. The event stream's trouble only degrades: alert.stream then polls.
 */
import type { HealthStatus } from '../../../src/core/types.js';
import { missingPermission, type IcingaClient } from './client.js';
import type { ListenerStatus } from './events.js';

/** The object types read, with the permission each needs. */
const PROBES = [['hosts', 'objects/query/Host'], ['services', 'objects/query/Service'], ['comments', 'objects/query/Comment'], ['downtimes', 'objects/query/Downtime']] as const;

export async function checkHealth(client: IcingaClient, user: string, events?: ListenerStatus): Promise<HealthStatus> {
  const endpoint = `${client.origin}/v1/status/IcingaApplication`;
  const details: Record<string, unknown> = { endpoint, user, ...(events ? { events } : {}) };
  let version: string | undefined;
  try {
    const status = await client.get('status/IcingaApplication');
    if (status.status === 200) {
      type Status = { results?: { status?: { icingaapplication?: { app?: { version?: string } } } }[] };
      version = (status.body as Status).results?.[0]?.status?.icingaapplication?.app?.version;
      details.version = version;
    } else if (!(status.status === 404 && missingPermission(status.body) === 'status/query')) {
      // Without status/query the version stays unknown; everything else is a failure worth naming.
      return { status: 'unhealthy', message: client.failure('GET', 'status/IcingaApplication', status).message, details };
    }
    const missing: string[] = [];
    for (const [plural, permission] of PROBES) {
      const answer = await client.get(`objects/${plural}?filter=false&attrs=name`);
      if (answer.status === 200) continue;
      if (missingPermission(answer.body)) missing.push(permission);
      else return { status: 'unhealthy', message: client.failure('GET', `objects/${plural}`, answer).message, details };
    }
    if (missing.length) {
      details.missingPermissions = missing;
      return {
        status: 'unhealthy',
        message: `Icinga ApiUser '${user}' at ${client.origin} lacks permission ${missing.join(', ')} (Icinga answers 404 "No objects found."); grant them in the ApiUser's permissions`,
        details,
      };
    }
  } catch (err) {
    return { status: 'unhealthy', message: (err as Error).message, details };
  }
  const what = `Icinga 2${version ? ` ${version}` : ''} at ${client.origin} answers ApiUser '${user}'`;
  if (events && !events.connected && events.lastError) {
    return { status: 'degraded', message: `${what}, but its event stream is down (${events.lastError}); alert.stream polls meanwhile`, details };
  }
  return { status: 'healthy', message: what, details };
}
