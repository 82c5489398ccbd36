/** `npm run errors-doc`: writes docs/errors.md from the error catalogue (a test keeps them equal). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderErrorsDoc } from '../src/core/errors-doc.js';

const file = join(import.meta.dirname, '..', 'docs', 'errors.md');
writeFileSync(file, renderErrorsDoc());
console.log(`wrote ${file}`);
