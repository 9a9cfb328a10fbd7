// What a bot process loads before it has done anything: every module in memory at start stays there (its source
// text, its compiled functions), so the parts one deployment never uses wait until they are needed. The
// playground (a local Slack, its page, its schemas and the ws server) loads only for the playground; the
// operator rules file's reader and its YAML parser only when REFUSED_RULES_FILE names a file; the agent hub and
// relay (ws, the Redis client) only with REFUSED_AGENTS. Bench row 8 measures what this saves.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { COMPILED, moduleFor } from '../root.js';

/** Every module URL that importing src/app (without starting anything) loads, as its own process sees it. */
function loadedByApp(): string[] {
  // A loader hook that names each module it loads, on stdout.
  const hook = `export async function load(url, context, next) { process.stdout.write('LOADED ' + url + '\\n'); return next(url, context); }`;
  const register = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;
  const app = pathToFileURL(moduleFor('src/app.ts')).href;
  const tsx = COMPILED ? [] : ['--import', import.meta.resolve('tsx')];
  const args = [...tsx, '--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', `await import(${JSON.stringify(app)});`];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('LOADED '))
    .map((l) => l.slice('LOADED '.length));
}

describe('modules loaded at start', () => {
  it('the app, the engine and Bolt load; the playground, the rules file reader, YAML and the agents do not', () => {
    const loaded = loadedByApp();
    // The check itself works: the app and its engine are seen loading.
    assert.ok(loaded.some((u) => /\/src\/app\.(js|ts)$/.test(u)), loaded.join('\n'));
    assert.ok(loaded.some((u) => /\/src\/diagnose\.(js|ts)$/.test(u)));
    const unwanted = loaded.filter((u) => /\/src\/playground\/|\/src\/rules\/custom\.|\/src\/agents\/(hub|relay|agent)\.|\/node_modules\/(yaml|redis|@redis)\//.test(u));
    assert.deepEqual(unwanted, []);
  });
});
