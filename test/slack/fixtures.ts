// Hand-made diagnoses for the Slack renderer: a refusal seen on two addresses, a pasted localhost the bot
// may not probe, a healthy target, and an oversized one that must be trimmed to Slack's limits.
import type { Diagnosis, Facts, Finding, Plan } from '../../src/domain/types.js';

export function facts(over: Partial<Facts> = {}): Facts {
  return {
    kind: 'refused',
    host: 'db.internal',
    port: 5432,
    portInferred: false,
    addresses: [],
    unixSocket: null,
    runtime: 'python',
    client: 'psycopg2',
    service: 'postgres',
    os: null,
    proxy: null,
    destination: null,
    scheme: null,
    tls: null,
    errno: 'ECONNREFUSED',
    hints: [],
    matched: 'psycopg2.OperationalError: connection to server at "db.internal" (10.0.0.5), port 5432 failed: Connection refused',
    signature: 'psycopg2-refused',
    notes: [],
    ...over,
  };
}

export function plan(over: Partial<Plan> = {}): Plan {
  return {
    surface: 'chat',
    targets: [{ host: 'db.internal', port: 5432, service: 'postgres', tls: null, url: null, role: 'target' }],
    skipped: [],
    nearbyPorts: [5433],
    attempts: 1,
    timeouts: { connectMs: 3000, dnsMs: 2000, bannerMs: 1500, tlsMs: 3000, httpMs: 3000, deadlineMs: 10000 },
    ...over,
  };
}

const notListening: Finding = {
  id: 'not-listening',
  confidence: 0.85,
  title: 'Nothing is listening on db.internal:5432',
  explanation: 'The host answered with a refusal: it is up, but no process accepts connections on port 5432.',
  steps: [
    { text: 'Check that PostgreSQL is running on the server', commands: [{ run: 'systemctl status postgresql', os: 'linux' }, { run: 'brew services list', os: 'macos' }] },
    { text: 'See what listens on 5432', commands: [{ run: "ss -ltnp 'sport = :5432'", os: 'linux' }] },
  ],
  evidence: ['tcp 10.0.0.5:5432 → refused in 0.4 ms'],
  docs: 'https://www.postgresql.org/docs/current/server-start.html',
};

const wrongPort: Finding = {
  id: 'wrong-port',
  confidence: 0.6,
  title: 'Something listens on 5433 instead',
  explanation: 'A nearby port accepts connections; the client may use the wrong port.',
  steps: [{ text: 'Point the client at port 5433, or move the server back to 5432', commands: [{ run: 'psql -h db.internal -p 5433 -c "select 1"' }] }],
  evidence: ['nearby 10.0.0.5:5433 → open in 0.5 ms'],
  docs: null,
  runbook: { title: 'DB on-call runbook', url: 'https://wiki.corp/db-oncall' },
};

const firewallDrop: Finding = {
  id: 'firewall-drop',
  confidence: 0.4,
  title: 'A firewall drops packets to 10.0.0.6',
  explanation: 'No answer at all within the timeout: something on the path drops the SYN.',
  steps: [{ text: 'Check security groups / iptables for 5432', commands: [{ run: 'sudo iptables -L -n | grep 5432', os: 'linux' }] }],
  evidence: ['tcp 10.0.0.6:5432 → no answer after 3.0 s'],
  docs: null,
};

export const refusedTwoAddresses: Diagnosis = {
  schemaVersion: 1,
  healthy: false,
  verdict: 'Nothing is listening on db.internal:5432 (refused on 10.0.0.5; no answer on 10.0.0.6).',
  facts: facts(),
  plan: plan(),
  evidence: [
    { type: 'dns', host: 'db.internal', addresses: [{ address: '10.0.0.5', family: 4 }, { address: '10.0.0.6', family: 4 }], error: null, dnsServers: null, disagree: false, literal: false, ms: 2.1 },
    { type: 'tcp', host: 'db.internal', address: '10.0.0.5', family: 4, port: 5432, attempt: 0, outcome: 'refused', errno: 'ECONNREFUSED', ms: 0.4 },
    { type: 'tcp', host: 'db.internal', address: '10.0.0.6', family: 4, port: 5432, attempt: 0, outcome: 'timeout', errno: 'ETIMEDOUT', ms: 3000 },
    { type: 'nearby', address: '10.0.0.5', port: 5433, outcome: 'open', ms: 0.5 },
    { type: 'banner', address: '10.0.0.5', port: 5433, protocol: 'postgres', detail: 'S', closed: null, ms: 3 },
  ],
  causes: [notListening, wrongPort, firewallDrop],
  vantage: { host: 'bot-1', surface: 'chat', at: '2026-11-22T02:30:00.000Z' },
  probed: true,
  durationMs: 3012.4,
};

export const pastedLocalhost: Diagnosis = {
  schemaVersion: 1,
  healthy: false,
  verdict: 'localhost:5432 is your own machine: check it there.',
  facts: facts({ host: 'localhost', addresses: ['::1', '127.0.0.1'], runtime: 'node', client: 'pg', matched: 'Error: connect ECONNREFUSED 127.0.0.1:5432', signature: 'node-refused' }),
  plan: plan({ targets: [], skipped: [{ host: 'localhost', port: 5432, reason: 'local-target', detail: "localhost in a paste is the reporter's machine, not the bot's" }], nearbyPorts: [] }),
  evidence: [],
  causes: [
    {
      id: 'local-target',
      confidence: 0.9,
      title: 'The target is your own machine',
      explanation: 'The error names localhost, which is the machine that ran the program. Check it there.',
      steps: [{ text: 'See whether anything listens on 5432', commands: [{ run: 'lsof -nP -iTCP:5432 -sTCP:LISTEN', os: 'macos' }, { run: 'ss -ltn | grep 5432', os: 'linux' }, { run: 'netstat -ano | findstr :5432', os: 'windows' }] }],
      evidence: ['localhost in a paste is the reporter\'s machine'],
      docs: null,
    },
  ],
  vantage: { host: 'bot-1', surface: 'chat', at: '2026-11-22T02:31:00.000Z' },
  probed: false,
  durationMs: 0.3,
};

export const healthy: Diagnosis = {
  schemaVersion: 1,
  healthy: true,
  verdict: 'db.internal:5432 accepts connections from here.',
  facts: facts({ kind: 'none', errno: null, matched: null, signature: null, runtime: null, client: null }),
  plan: plan(),
  evidence: [
    { type: 'dns', host: 'db.internal', addresses: [{ address: '10.0.0.5', family: 4 }], error: null, dnsServers: null, disagree: false, literal: false, ms: 1.2 },
    { type: 'tcp', host: 'db.internal', address: '10.0.0.5', family: 4, port: 5432, attempt: 0, outcome: 'open', errno: null, ms: 0.6 },
    { type: 'banner', address: '10.0.0.5', port: 5432, protocol: 'postgres', detail: 'S', closed: null, ms: 2 },
  ],
  causes: [
    {
      id: 'reachable-from-here',
      confidence: 0.7,
      title: 'Reachable from the bot',
      explanation: 'From here it works; the difference is on the path from where the error happened.',
      steps: [{ text: 'Run the same check from the failing machine', commands: [{ run: 'nc -vz db.internal 5432' }] }],
      evidence: ['tcp 10.0.0.5:5432 → open in 0.6 ms'],
      docs: null,
    },
  ],
  vantage: { host: 'bot-1', surface: 'chat', at: '2026-11-22T02:32:00.000Z' },
  probed: true,
  durationMs: 5.1,
};

/** Far past every Slack limit: 40 causes with long steps, 300 evidence lines, a hostile verdict. */
export function oversized(): Diagnosis {
  const long = 'x'.repeat(900);
  const causes: Finding[] = Array.from({ length: 40 }, (_, i) => ({
    id: `cause-${i}`,
    confidence: 1 - i / 50,
    title: `Cause number ${i} with a long title ${'t'.repeat(120)}`,
    explanation: `Explanation ${i} <script>&${long}`,
    steps: Array.from({ length: 12 }, (_, j) => ({ text: `Step ${j} ${long}`, commands: [{ run: `echo ${'c'.repeat(400)} \`\`\` done`, os: 'linux' as const }, { run: `dir ${'d'.repeat(300)}`, os: 'windows' as const }] })),
    evidence: Array.from({ length: 10 }, (_, k) => `evidence ${k} ${'e'.repeat(200)}`),
    docs: 'https://docs.example.invalid/x',
  }));
  return {
    ...refusedTwoAddresses,
    verdict: `Everything is wrong ${'v'.repeat(4000)}`,
    evidence: Array.from({ length: 300 }, (_, i) => ({ type: 'tcp' as const, host: 'db.internal', address: `10.0.${Math.floor(i / 250)}.${i % 250}`, family: 4 as const, port: 5432, attempt: 0, outcome: 'refused' as const, errno: 'ECONNREFUSED', ms: 0.4 })),
    causes,
  };
}

/** An engine that holds every answer (refusedTwoAddresses) until release(), counting the diagnoses it started. */
export function heldEngine(): { diagnose: () => Promise<Diagnosis>; release: () => void; readonly calls: number } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  let calls = 0;
  return {
    diagnose: async () => {
      calls += 1;
      await gate;
      return refusedTwoAddresses;
    },
    release: () => release(),
    get calls() {
      return calls;
    },
  };
}
