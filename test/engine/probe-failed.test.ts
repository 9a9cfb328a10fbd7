// The bot out of file descriptors (ulimit -n 1024 and a thousand idle connections): connects fail with EMFILE
// before a packet leaves. The answer says the check could not run, never something about the target.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnose } from '../../src/diagnose.js';
import type { Diagnosis } from '../../src/domain/types.js';
import { defaultDeps, type ProbeDeps } from '../../src/probes/index.js';
import { loopback } from './helpers.js';

const TIMEOUTS = { connectMs: 1000, dnsMs: 1000, bannerMs: 500, tlsMs: 1000, httpMs: 1000, deadlineMs: 4000 };

function starved(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432 - Local (undefined:undefined)`), { code, errno: -24, syscall: 'connect' });
}

/** Every connect fails on this machine; the tls and http probes too. Nothing is opened. */
function starvedDeps(code: string): { deps: Partial<ProbeDeps>; calls: number } {
  const state = { deps: {} as Partial<ProbeDeps>, calls: 0 };
  state.deps = {
    connect: async () => {
      state.calls++;
      throw starved(code);
    },
    tlsConnect: () => {
      throw starved(code);
    },
    httpRequest: async () => {
      throw starved(code);
    },
  };
  return state;
}

// Causes that would be claims about the target, made from probes that never left this machine.
const ABOUT_THE_TARGET = ['not-listening', 'host-unreachable', 'firewall-drop', 'firewall-reject', 'intermittent', 'not-responding', 'connection-reset', 'reachable-from-here', 'wrong-port', 'family-mismatch', 'service-mismatch', 'tls-mismatch', 'bound-to-loopback'];

function saysItCouldNotProbe(d: Diagnosis): void {
  assert.equal(d.causes[0]?.id, 'probe-failed', `top cause ${d.causes[0]?.id}; verdict: ${d.verdict}`);
  assert.match(d.verdict, /could not run/);
  assert.match(d.causes[0]!.explanation, /says nothing about/);
  assert.doesNotMatch(d.verdict, /Nothing to go on/);
}

describe('the probing machine is out of descriptors', () => {
  for (const code of ['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM']) {
    it(`${code} on every connect of a typed target: "could not run", no cause about the target`, async () => {
      const s = starvedDeps(code);
      const d = await diagnose({ type: 'target', host: '127.0.0.1', port: 5432 }, { surface: 'cli', timeouts: TIMEOUTS, deps: s.deps });
      assert.ok(s.calls > 0, 'the connect was tried');
      saysItCouldNotProbe(d);
      for (const c of d.causes) assert.ok(!ABOUT_THE_TARGET.includes(c.id), `${c.id} from probes that never left this machine`);
      assert.ok(d.causes[0]!.evidence.some((e) => e.includes(code)), JSON.stringify(d.causes[0]!.evidence));
    });
  }

  it('a pasted refusal: the probe failure leads; what the text says is still listed', async () => {
    const s = starvedDeps('EMFILE');
    const paste = 'psycopg2.OperationalError: connection to server at "127.0.0.1", port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?';
    const d = await diagnose({ type: 'paste', text: paste }, { surface: 'cli', timeouts: TIMEOUTS, deps: s.deps });
    saysItCouldNotProbe(d);
    const listening = d.causes.find((c) => c.id === 'not-listening');
    if (listening) assert.ok(listening.confidence < d.causes[0]!.confidence);
  });

  it('the target accepted, then every later connect failed with EMFILE: not intermittent, not "never answers"', async () => {
    const lo = await loopback();
    try {
      const real = defaultDeps().connect;
      let n = 0;
      const connect: ProbeDeps['connect'] = (to, signal, slot) => (n++ === 0 ? real(to, signal, slot) : Promise.reject(starved('EMFILE')));
      const d = await diagnose({ type: 'target', host: '127.0.0.1', port: lo.openPort }, { surface: 'cli', timeouts: TIMEOUTS, deps: { connect, tlsConnect: () => { throw starved('EMFILE'); } } });
      assert.ok(n > 1, 'the repeats and the protocol check were tried');
      for (const c of d.causes) assert.ok(!['intermittent', 'not-responding'].includes(c.id), `${c.id}: ${c.title}`);
      assert.ok(d.causes.some((c) => c.id === 'probe-failed'), JSON.stringify(d.causes.map((c) => c.id)));
    } finally {
      await lo.close();
    }
  });
});
