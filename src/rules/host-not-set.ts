// The client had nothing to connect to: its host setting was empty, and the library printed nil, None or
// undefined where the name should be. No network is at fault; the configuration the program read is.
import { anyOs, composeExec, posix, windows } from './commands.js';
import type { Rule } from './types.js';
import { hasHint } from './view.js';

export const hostNotSet: Rule = {
  id: 'host-not-set',
  title: 'The client has no host to connect to: its host setting is empty',
  explanation:
    'Where the error should name a server it says nil, None or undefined: the program asked its library to ' +
    'connect without a host. The setting it reads (an environment variable, a key in a config file, a field of a ' +
    'connection URL) was missing or empty when it started, or it reads a different name than the one that is set. ' +
    'Depending on the library it then fails to resolve the empty name, or falls back to its own machine and is ' +
    'refused there. Nothing on the network needs fixing.',
  steps: [
    {
      text: 'See what the process really has in its environment (where it runs: the container, the pod, the service):',
      commands: [
        ...posix("env | grep -iE 'host|url|addr|port'"),
        windows('Get-ChildItem Env: | Where-Object Name -match "HOST|URL|ADDR|PORT"'),
        composeExec('<service>', "env | grep -iE 'host|url|port'"),
      ],
    },
    { text: 'Compare with the name the code reads (DATABASE_URL vs DB_URL, REDIS_HOST vs REDIS_URL …), and check that the .env file is loaded where the process starts (a different working directory, a test runner, or a container that never got it).' },
    {
      text: 'With Compose, see the environment each service gets after interpolation (a variable that is not set becomes an empty string, with only a warning):',
      commands: [anyOs('docker compose config')],
    },
  ],
  docs: 'https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/',
  when({ facts }) {
    if (hasHint(facts, 'default-endpoint') && !hasHint(facts, 'host-unset')) {
      return {
        confidence: 0.95,
        evidence: [`the client went to ${facts.host ?? 'its own machine'}${facts.port !== null ? ` port ${facts.port}` : ''}, its library's default, although the text says the setting points elsewhere (or names no such server): the setting was not read`],
      };
    }
    if (!hasHint(facts, 'host-unset')) return null;
    return { confidence: 0.85, evidence: [`the error names no host (nil, None or undefined where the server should be): ${facts.matched ?? 'see the paste'}`] };
  },
};
