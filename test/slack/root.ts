// The project root, from the source tree (tsx) or from dist/ (compiled tests): the nearest ancestor with a
// package.json. Tests read manifest.yml, .env.example and the snapshots there, and start the bot from there.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../root.js';

export { ROOT } from '../root.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Node's own flags in `npm start` (the heap cap): the tests and the bench start the bot with the same ones. */
export const START_FLAGS: string[] = (() => {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  return start.split(/\s+/).filter((w) => w.startsWith('--'));
})();

/** How to start the bot as `npm start` would: compiled JS when the tests are compiled, else through tsx. */
// tsx is named by its resolved URL so the bot can run in a temporary working directory (no stray .env).
export const APP_COMMAND: string[] = import.meta.url.endsWith('.js')
  ? [...START_FLAGS, join(HERE, '..', '..', 'src', 'app.js')]
  : [...START_FLAGS, '--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'app.ts')];
