/**
 * The text form of stored output (`GET /executions/{id}/output` with text/plain): each output piece once, a
 * newline after every piece that ended a line and none after a partial one, so the text is the output as
 * printed (CRLF line ends become LF). With several targets, each line starts with `[target] `.
 */
import type { StoredEvent } from '../store/types.js';

export function outputText(events: StoredEvent[], multiTarget: boolean): string {
  // Whether the next piece of a target's stream starts a new line (a page may start mid-line: it does not know).
  const midLine = new Set<string>();
  let text = '';
  for (const e of events) {
    if (e.type !== 'stdout' && e.type !== 'stderr') continue;
    const target = String(e.data.target);
    const key = `${e.type}\0${target}`;
    if (multiTarget && !midLine.has(key)) text += `[${target}] `;
    text += String(e.data.line);
    if (e.data.partial === true) midLine.add(key);
    else {
      midLine.delete(key);
      text += '\n';
    }
  }
  return text;
}
