/**
 * The text form of stored output (`GET /executions/{id}/output` with text/plain): each output piece once, a
 * newline after every piece that ended a line and none after a partial one, so the text is the output as
 * printed, byte for byte (a CR too). With several targets each line starts with `[target] ` and is written
 * once it is complete, so another target's line never lands inside it; lines still open at the end of the
 * page are written there, in the order they began.
 */
import type { StoredEvent } from '../store/types.js';

export function outputText(events: StoredEvent[], multiTarget: boolean): string {
  let text = '';
  // Open lines of each target and stream (multi-target only), in the order they began.
  const open = new Map<string, { target: string; text: string }>();
  for (const e of events) {
    if (e.type !== 'stdout' && e.type !== 'stderr') continue;
    const line = String(e.data.line);
    const partial = e.data.partial === true;
    if (!multiTarget) {
      text += partial ? line : `${line}\n`;
      continue;
    }
    const target = String(e.data.target);
    const key = `${e.type}\0${target}`;
    const pending = open.get(key);
    if (partial) open.set(key, { target, text: (pending?.text ?? '') + line });
    else {
      open.delete(key);
      text += `[${target}] ${pending?.text ?? ''}${line}\n`;
    }
  }
  for (const { target, text: rest } of open.values()) text += `[${target}] ${rest}`;
  return text;
}
