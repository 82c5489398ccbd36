/** The one SHA-256 helper for secrets kept only as a digest (API token secrets, stream tickets). */
import { createHash } from 'node:crypto';

/** SHA-256 of a string's UTF-8 bytes, as lowercase hex (64 characters). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
