// The first view's selection (src/render/glance.ts): what it keeps, what it cuts, and which OS it picks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Diagnosis, Evidence } from '../../src/domain/types.js';
import { addressLines, firstSentences, GLANCE, glance, likelyOs, otherOses, stepsForOs } from '../../src/render/glance.js';
import { facts, healthy, oversized, pastedLocalhost, refusedTwoAddresses } from '../slack/fixtures.js';

const withFacts = (over: Parameters<typeof facts>[0], d: Diagnosis = refusedTwoAddresses): Diagnosis => ({ ...d, facts: facts(over) });

describe('glance', () => {
  it('keeps the verdict, one line per address, the first cause cut down and one line per other cause', () => {
    const g = glance(refusedTwoAddresses);
    assert.equal(g.verdict, refusedTwoAddresses.verdict);
    assert.deepEqual(
      g.addresses.map((a) => a.text),
      ['10.0.0.5:5432 → refused in 0.4 ms · 5433 open (postgres)', '10.0.0.6:5432 → no answer (ETIMEDOUT) after 3 s'],
    );
    assert.equal(g.first?.finding.id, 'not-listening');
    assert.deepEqual(
      g.others.map((o) => [o.id, o.percent]),
      [
        ['wrong-port', 60],
        ['firewall-drop', 40],
      ],
    );
    assert.equal(g.moreOthers, 0);
    assert.equal(g.os.os, 'linux');
    assert.equal(g.os.from, 'default');
    // Linux commands only: brew services is macOS.
    assert.deepEqual(
      g.first?.steps.map((s) => s.commands),
      [['systemctl status postgresql'], ["ss -ltnp 'sport = :5432'"]],
    );
  });

  it('shows the first three steps and counts the rest', () => {
    const d = oversized();
    const g = glance(d);
    assert.equal(g.first?.steps.length, GLANCE.steps);
    assert.equal(g.first?.moreSteps, 12 - GLANCE.steps);
    assert.ok(g.first?.steps.every((s) => s.commands.length === 1 && s.commands[0]!.startsWith('echo')));
    assert.equal(g.others.length, GLANCE.others);
    assert.equal(g.moreOthers, 39 - GLANCE.others);
    assert.equal(g.addresses.length, GLANCE.addresses);
    assert.equal(g.moreAddresses, 300 - GLANCE.addresses);
    assert.ok(g.first!.explanation.length <= GLANCE.explanationChars);
    assert.equal(g.first?.cut, true);
  });

  it('takes another OS when asked, and says so', () => {
    const g = glance(pastedLocalhost, { os: 'windows' });
    assert.equal(g.os.from, 'asked');
    assert.deepEqual(g.first?.steps[0]?.commands, ['netstat -ano | findstr :5432']);
    assert.deepEqual(glance(pastedLocalhost, { os: 'macos' }).first?.steps[0]?.commands, ['lsof -nP -iTCP:5432 -sTCP:LISTEN']);
  });

  it('says each reason for not probing once, and leaves out a --no-probe run', () => {
    const skipped = pastedLocalhost.plan.skipped[0]!;
    const d: Diagnosis = {
      ...pastedLocalhost,
      plan: { ...pastedLocalhost.plan, skipped: [skipped, skipped, { ...skipped, reason: 'no-probe', detail: 'asked not to probe' }] },
    };
    assert.deepEqual(glance(d).notProbed, [skipped.detail]);
  });

  it('has no first cause when there are no causes', () => {
    const g = glance({ ...healthy, causes: [] });
    assert.equal(g.first, null);
    assert.deepEqual(g.others, []);
  });
});

describe('firstSentences', () => {
  it('cuts after two sentences, not at abbreviations, addresses or versions', () => {
    const text = 'Use the service name, e.g. db:5432, not 127.0.0.1. Node v1.2 tried ::1 first. Third sentence. Fourth.';
    assert.equal(firstSentences(text, 2), 'Use the service name, e.g. db:5432, not 127.0.0.1. Node v1.2 tried ::1 first.');
    assert.equal(firstSentences(text, 1), 'Use the service name, e.g. db:5432, not 127.0.0.1.');
  });

  it('keeps a short text whole and cuts a long sentence at a word', () => {
    assert.equal(firstSentences('Just one.', 2), 'Just one.');
    const cut = firstSentences(`${'word '.repeat(200)}end.`, 2, 100);
    assert.ok(cut.length <= 100);
    assert.match(cut, /word…$/);
  });

  it('ends a sentence before a quote or a bracket, and at ! and ?', () => {
    assert.equal(firstSentences('Is it up? "Yes" it says. More.', 2), 'Is it up? "Yes" it says.');
    assert.equal(firstSentences('It failed! (Twice.) Then more.', 2), 'It failed! (Twice.)');
  });
});

describe('addressLines', () => {
  const tcp = (address: string, outcome: 'open' | 'refused' | 'timeout', attempt = 0): Evidence => ({
    type: 'tcp',
    host: 'h',
    address,
    family: 4,
    port: 80,
    attempt,
    outcome,
    errno: outcome === 'open' ? null : outcome === 'refused' ? 'ECONNREFUSED' : 'ETIMEDOUT',
    ms: 1,
  });

  it('folds repeated attempts into one line', () => {
    assert.deepEqual(
      addressLines([tcp('10.0.0.1', 'refused'), tcp('10.0.0.1', 'refused', 1), tcp('10.0.0.1', 'refused', 2)]).map((l) => l.text),
      ['10.0.0.1:80 → refused 3 times'],
    );
    const flapping = addressLines([tcp('10.0.0.1', 'open'), tcp('10.0.0.1', 'refused', 1), tcp('10.0.0.1', 'open', 2)]);
    assert.deepEqual(
      flapping.map((l) => [l.text, l.ok]),
      [['10.0.0.1:80 → open, then refused (3 tries)', false]],
    );
  });

  it('says a failed lookup, a socket path and a TLS result', () => {
    const lines = addressLines([
      { type: 'dns', host: 'nope.internal', addresses: [], error: 'ENOTFOUND', dnsServers: null, disagree: false, literal: false, ms: 3 },
      { type: 'unix', path: '/run/pg.sock', outcome: 'missing', errno: 'ENOENT', ms: 0.1 },
      tcp('10.0.0.2', 'open'),
      {
        type: 'tls',
        address: '10.0.0.2',
        port: 80,
        servername: 'h',
        ok: true,
        version: 'TLSv1.3',
        alpn: null,
        names: ['h'],
        validTo: null,
        verifyError: 'CERT_HAS_EXPIRED',
        error: null,
        ms: 4,
      },
    ]);
    assert.deepEqual(
      lines.map((l) => [l.text, l.ok]),
      [
        ['nope.internal → not found (ENOTFOUND)', false],
        ['/run/pg.sock → no such socket file', false],
        ['10.0.0.2:80 → open in 1 ms · TLS not trusted (CERT_HAS_EXPIRED)', true],
      ],
    );
  });

  it('writes an IPv6 address in brackets', () => {
    assert.equal(addressLines([tcp('::1', 'refused')])[0]?.text, '[::1]:80 → refused in 1 ms');
  });
});

describe('likelyOs', () => {
  it("takes the paste's OS first", () => {
    assert.deepEqual(likelyOs(withFacts({ os: 'macos' })), { os: 'macos', from: 'paste', reason: 'the error is from macOS' });
  });

  it('reads Windows, macOS and Linux clues in the facts', () => {
    const cases: [Parameters<typeof facts>[0], string][] = [
      [{ matched: 'connect ECONNREFUSED 10061 at C:\\app\\server.js' }, 'windows'],
      [{ unixSocket: '//./pipe/docker_engine', host: null }, 'windows'],
      [{ matched: 'File "/Users/ana/app/db.py", line 3' }, 'macos'],
      [{ matched: 'ConnectionRefusedError: [Errno 61] Connection refused' }, 'macos'],
      [{ notes: ['installed with brew'] }, 'macos'],
      [{ hints: ['client-in-container'] }, 'linux'],
      [{ host: 'db.prod.svc.cluster.local' }, 'linux'],
      [{ answers: { clientWhere: 'pod' } }, 'linux'],
    ];
    for (const [over, os] of cases) {
      const got = likelyOs(withFacts(over));
      assert.equal(got.os, os, JSON.stringify(over));
      assert.equal(got.from, 'clue');
      assert.ok(got.reason.length > 0);
    }
  });

  it('puts where the client runs, as answered, before a path in the paste', () => {
    assert.equal(likelyOs(withFacts({ matched: 'File "/Users/ana/app.py"', answers: { clientWhere: 'container' } })).os, 'linux');
  });

  it('reads the command’s own look at its machine', () => {
    const local = { container: null, proxy: [], localhost: null, listening: [] };
    assert.equal(likelyOs({ ...refusedTwoAddresses, local }).reason, 'this machine is Linux');
  });

  it('falls back to Linux and says why', () => {
    const got = likelyOs(refusedTwoAddresses);
    assert.equal(got.os, 'linux');
    assert.equal(got.from, 'default');
    assert.equal(got.reason, 'the error names no OS');
  });

  it('lists the other OSes and filters commands per OS', () => {
    assert.deepEqual(otherOses('macos'), ['linux', 'windows']);
    const steps = stepsForOs([{ text: 't', commands: [{ run: 'a' }, { run: 'b', os: 'linux' }, { run: 'c', os: 'windows' }] }], 'windows');
    assert.deepEqual(steps, [{ text: 't', commands: ['a', 'c'] }]);
  });
});
