// The project root, from the source tree (tsx) or from dist/ (compiled tests): the nearest ancestor with a
// package.json. Tests read manifest.yml, .env.example and the snapshots there, and start the bot from there.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '../root.js';

export { ROOT } from '../root.js';

const HERE = dirname(fileURLToPath(import.meta.url));

/** How to start the bot as `npm start` would: compiled JS when the tests are compiled, else through tsx. */
// tsx is named by its resolved URL so the bot can run in a temporary working directory (no stray .env).
export const APP_COMMAND: string[] = import.meta.url.endsWith('.js')
  ? [join(HERE, '..', '..', 'src', 'app.js')]
  : ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'app.ts')];
