// The target answers from one vantage point and fails from another (issue 14): the server is up, the path to it
// differs (a firewall, security group or NetworkPolicy that admits one source, a route one side has, split DNS).
// The rule sits in the table like every cause (id, title, steps, docs), but one diagnosis alone never shows a gap:
// its predicate reads the vantage points that compareVantages (below) puts beside the bot's own context, and stays
// quiet in every ordinary run. compareVantages is pure: the bot's diagnosis plus what each agent answered in, the
// same diagnosis out with one summary per vantage point and, when they disagree, this cause ranked first.
import { isIP } from 'node:net';
import type { VantageResult } from '../agents/types.js';
import { formatMs, hostPort, OUTCOME_WORDS } from '../domain/describe.js';
import type { Diagnosis, VantageOutcome, VantageSummary } from '../domain/types.js';
import { anyOs, firewallFrontends, linux, macos, perOs, resolveName, windows } from './commands.js';
import { buildContext, evaluate, placeholderValues } from './evaluate.js';
import type { Rule, RuleContext } from './types.js';
import { buildView } from './view.js';

/** A rule context with the vantage points beside it: only compareVantages builds one. */
export interface VantageRuleContext extends RuleContext {
  vantages: readonly VantageSummary[];
}

/** The outcomes that count as "fails from there": the target was tried and did not answer. */
const FAILS: ReadonlySet<VantageOutcome> = new Set(['refused', 'reset', 'timeout', 'unreachable', 'dns-failed']);

/** The confidence of a gap: above every single-vantage cause but the ones that settle it from the text alone. */
export const GAP_CONFIDENCE = 0.92;

/** "office", "refused-bot (here)": how a vantage point is named next to what it saw. */
export function vantageLabel(v: Pick<VantageSummary, 'name' | 'kind'>): string {
  return v.kind === 'bot' ? `${v.name} (here)` : v.name;
}

/** "a", "a and b", "a, b and c", "a, b, c and 2 more". */
function names(list: readonly string[], max = 3): string {
  if (list.length <= 1) return list[0] ?? '';
  if (list.length > max) return `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

const clip = (s: string, max: number) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

// ---------------------------------------------------------------------------------------------------
// One vantage point in a few words.

interface Seen {
  outcome: VantageOutcome;
  saw: string;
  resolved: string[];
}

/** What one diagnosis saw of its primary target: an outcome class and a few words. */
function seen(d: Diagnosis): Seen {
  const view = buildView(d.facts, d.evidence, d.plan);
  const dns = view.dns;
  const resolved = dns && !dns.literal && !dns.error ? dns.addresses.map((a) => a.address) : [];
  if (dns?.error) {
    return { outcome: 'dns-failed', saw: `${dns.host} ${dns.error === 'ENOTFOUND' ? 'not found' : 'lookup failed'} (${dns.error})`, resolved };
  }
  if (view.addresses.length > 0) {
    const shown = view.addresses.slice(0, 2).map((a) => `${hostPort(a.address, a.port)} ${OUTCOME_WORDS.state[a.first]}`);
    const more = view.addresses.length - shown.length;
    const saw = `${shown.join(', ')}${more > 0 ? `, +${more} more` : ''}`;
    // One address that answers is a server that answers: the client may just as well reach it.
    const first = view.addresses.find((a) => a.first === 'open') ?? view.addresses[0]!;
    const outcome: VantageOutcome = d.healthy || first.first === 'open' ? 'open' : first.first;
    return { outcome, saw, resolved };
  }
  if (view.unix) {
    const u = view.unix;
    const outcome: VantageOutcome = u.outcome === 'open' ? 'open' : u.outcome === 'refused' ? 'refused' : 'error';
    return { outcome, saw: `${u.path} ${u.outcome === 'open' ? 'accepts connections' : u.outcome}`, resolved };
  }
  if (d.healthy) return { outcome: 'open', saw: 'answers', resolved };
  const skip = d.plan.skipped.find((s) => s.reason === 'policy') ?? d.plan.skipped.find((s) => s.reason !== 'no-probe') ?? d.plan.skipped[0];
  return { outcome: 'not-probed', saw: skip ? `not probed: ${clip(skip.detail, 100)}` : 'not probed', resolved };
}

function botSummary(d: Diagnosis, name: string): VantageSummary {
  const s = seen(d);
  return { name, kind: 'bot', state: 'answered', ...s, cause: d.causes[0]?.id ?? null, ms: d.durationMs };
}

/** An agent's answer in a few words; whatever it sent, never a throw (a broken diagnosis is said as an error). */
function agentSummary(r: VantageResult): VantageSummary {
  const ms = Number.isFinite(r.ms) && r.ms >= 0 ? r.ms : 0;
  const base = { name: String(r.name), kind: 'agent' as const, state: r.state, resolved: [] as string[], cause: null, ms };
  const detail = typeof r.detail === 'string' && r.detail.trim() ? clip(r.detail, 80) : null;
  switch (r.state) {
    case 'offline':
      return { ...base, outcome: 'offline', saw: detail ? `offline (${detail})` : 'offline' };
    case 'timeout':
      // A connection that closed mid-job ends the wait early: say why, or the short wait reads as the deadline.
      return { ...base, outcome: 'no-answer', saw: `no answer within ${formatMs(ms)}${detail && /clos|gone|lost|replaced/i.test(detail) ? `: ${detail}` : ''}` };
    case 'error':
      return { ...base, outcome: 'error', saw: detail ? `failed: ${detail}` : 'failed' };
    case 'answered':
    case 'refused': {
      let s: Seen | null = null;
      let cause: string | null = null;
      try {
        if (r.diagnosis) {
          s = seen(r.diagnosis);
          cause = r.diagnosis.causes[0]?.id ?? null;
        }
      } catch {
        // Checked on the wire (agents/protocol.ts), so this is a shape the checks missed: said, never thrown.
        s = null;
      }
      if (r.state === 'refused') {
        const saw = s?.outcome === 'not-probed' ? s.saw : detail ? `not probed: ${detail}` : "not probed: the agent's policy does not allow it";
        return { ...base, outcome: 'not-probed', saw, cause };
      }
      if (!s) return { ...base, outcome: 'error', saw: r.diagnosis ? 'sent a diagnosis that could not be read' : 'sent no diagnosis' };
      return { ...base, ...s, cause };
    }
    default:
      return { ...base, outcome: 'error', saw: 'sent an unknown state' };
  }
}

// ---------------------------------------------------------------------------------------------------
// The comparison.

interface Gap {
  up: VantageSummary[];
  down: VantageSummary[];
  /** "10.0.0.5 from office; 10.1.0.5 from refused-bot", when the name resolved differently in different places. */
  dnsSplit: string | null;
  /** The names resolved differently and no address is common to a side where it answers and one where it fails. */
  dnsApart: boolean;
  /** The failing vantage points whose lookup failed. */
  dnsFailed: VantageSummary[];
}

/** Where the target answers and where it fails; null when it does not do both. Policy, offline and silent agents never count. */
export function findGap(vantages: readonly VantageSummary[]): Gap | null {
  const answered = vantages.filter((v) => v.state === 'answered');
  const up = answered.filter((v) => v.outcome === 'open');
  const down = answered.filter((v) => FAILS.has(v.outcome));
  if (up.length === 0 || down.length === 0) return null;
  // Split DNS: the same name gave different addresses in different places (a failed lookup is said on its own).
  const groups = new Map<string, string[]>();
  for (const v of [...up, ...down]) {
    if (v.resolved.length === 0) continue;
    const key = [...new Set(v.resolved)].sort().join(', ');
    groups.set(key, [...(groups.get(key) ?? []), v.name]);
  }
  const dnsSplit = groups.size > 1 ? [...groups].map(([addrs, who]) => `${addrs} from ${names(who)}`).join('; ') : null;
  // An address that answers on one side and fails on the other is the path's doing, whatever else DNS says.
  const upAddresses = new Set(up.flatMap((v) => v.resolved));
  const dnsApart = dnsSplit !== null && !down.some((v) => v.resolved.some((a) => upAddresses.has(a)));
  return { up, down, dnsSplit, dnsApart, dnsFailed: down.filter((v) => v.outcome === 'dns-failed') };
}

const FAIL_WORDS: Partial<Record<VantageOutcome, string>> = {
  refused: 'is refused',
  reset: 'is reset',
  timeout: 'gets no answer',
  unreachable: 'is unreachable',
  'dns-failed': 'does not resolve',
};

/** "answers from office but is refused from refused-bot: the path differs, not the server" (the target goes in front). */
function gapWords(gap: Gap): string {
  const byOutcome = new Map<VantageOutcome, string[]>();
  for (const v of gap.down) byOutcome.set(v.outcome, [...(byOutcome.get(v.outcome) ?? []), v.name]);
  const fails = [...byOutcome].map(([o, who]) => `${FAIL_WORDS[o] ?? o} from ${names(who)}`);
  const tail = gap.dnsApart || gap.dnsFailed.length > 0 ? 'DNS differs, not the server' : 'the path differs, not the server';
  return `answers from ${names(gap.up.map((v) => v.name))} but ${names(fails, 5)}: ${tail}`;
}

/** The address to trace the route to: the target's own literal, else what the failing side resolved, else the other side's. */
function routeAddress(ctx: RuleContext, gap: Gap): string | null {
  const host = ctx.facts.host ?? ctx.view.target?.host ?? null;
  if (host && isIP(host.replace(/^\[|\]$/g, ''))) return host;
  return gap.down.find((v) => v.resolved.length > 0)?.resolved[0] ?? gap.up.find((v) => v.resolved.length > 0)?.resolved[0] ?? null;
}

function vantagesOf(ctx: RuleContext): readonly VantageSummary[] {
  const v = (ctx as Partial<VantageRuleContext>).vantages;
  return Array.isArray(v) ? v : [];
}

export const vantageGap: Rule = {
  id: 'vantage-gap',
  title: '{Target} answers from {answers} but not from {fails}',
  explanation:
    'The same check gave different answers from different places: from {answers} the target answers, from {fails} it ' +
    'does not. So the server is up and listening; what differs is the way to it. Something on the path admits one ' +
    'source and not the other: a firewall on the server or in between, a cloud security group or network ACL, a ' +
    'Kubernetes NetworkPolicy; or one side has a route the other lacks (a VPN, a peering, a static route); or the ' +
    'name resolves to different addresses on each side (split DNS), so the two sides are not even asking the same host.',
  steps: [
    {
      requires: 'dnsApart',
      text: 'The name resolves differently: {dnsSplit}. Split DNS (a VPN\'s resolver, a private zone, a hosts-file line) sends each side to another address; compare the answers on each side, and point the failing side at the address that answers:',
      commands: [...resolveName(), ...perOs({ posix: 'dig +short {host}', windows: 'Resolve-DnsName {host} -DnsOnly' })],
    },
    {
      requires: 'dnsFailed',
      text: '{host} does not resolve from {dnsFailed}: the resolver there does not know the name (a private zone, a VPN\'s DNS, a search domain the other side has). Compare the lookup on each side:',
      commands: [...resolveName(), ...perOs({ posix: 'cat /etc/resolv.conf', windows: 'Get-DnsClientServerAddress' })],
    },
    {
      text: 'Find the rule that admits {answers} but not {fails}: a firewall on the server, a cloud security group or network ACL, or a Kubernetes NetworkPolicy in front of {target}. Look for an allow-list by source address:',
      commands: [
        linux('sudo nft list ruleset | grep -n -w {port}'),
        linux('sudo iptables -S | grep -w -- {port}'),
        macos('sudo pfctl -sr | grep -w {port}'),
        windows('Get-NetFirewallPortFilter | Where-Object LocalPort -eq {port} | Get-NetFirewallRule | Get-NetFirewallAddressFilter'),
        anyOs('kubectl get networkpolicy -A'),
        anyOs('aws ec2 describe-security-groups --filters Name=ip-permission.from-port,Values={port} --output table'),
        // ufw and firewalld sit on the nftables / iptables rules above: last, for who manages the rules with them.
        ...firewallFrontends(),
      ],
    },
    {
      requires: 'routeAddress',
      text: 'Compare the route to {routeAddress} on each side: a VPN, a peering or a static route that one side has and the other lacks shows here:',
      commands: [
        ...perOs({ linux: 'ip route get {routeAddress}', macos: 'route -n get {routeAddress}', windows: 'Find-NetRoute -RemoteIPAddress {routeAddress}' }),
        ...perOs({ linux: 'traceroute -n -T -p {port} {routeAddress}', macos: 'traceroute -n -P tcp -p {port} {routeAddress}', windows: 'tracert -d {routeAddress}' }),
      ],
    },
    {
      requires: 'dnsSplit',
      unless: 'dnsApart',
      text: 'The name also resolves to other addresses on each side ({dnsSplit}), though an address that answers on one side fails on the other: once the path is fixed, check that each side reaches the address you expect:',
      commands: resolveName(),
    },
    {
      text: 'After a change, run the same check again from each side and see the lines agree:',
      commands: [anyOs('refused {host} {port}')],
    },
  ],
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
  when(ctx) {
    const gap = findGap(vantagesOf(ctx));
    if (!gap) return null;
    const evidence = [...gap.up, ...gap.down].map((v) => `${vantageLabel(v)}: ${v.saw}`);
    if (gap.dnsSplit) evidence.push(`DNS differs: ${gap.dnsSplit}`);
    const route = routeAddress(ctx, gap);
    return {
      confidence: GAP_CONFIDENCE,
      evidence,
      vars: {
        answers: names(gap.up.map((v) => v.name)),
        fails: names(gap.down.map((v) => v.name)),
        ...(gap.dnsSplit ? { dnsSplit: gap.dnsSplit } : {}),
        ...(gap.dnsApart ? { dnsApart: 'yes' } : {}),
        ...(gap.dnsFailed.length > 0 ? { dnsFailed: names(gap.dnsFailed.map((v) => v.name)) } : {}),
        ...(route ? { routeAddress: route } : {}),
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------------
// The diagnosis from several vantage points.

/**
 * The bot's diagnosis with what every vantage point saw: `vantages` (the bot first, then each agent once, in the
 * order given), and when the target answers from one and fails from another, the vantage-gap cause ranked first
 * with the verdict saying so. When every vantage point that probed saw the same, the causes stay the bot's own and
 * the verdict says it is the same everywhere. No agent at all: `here` itself, unchanged. Pure.
 */
export function compareVantages(here: Diagnosis, hereName: string, others: readonly VantageResult[]): Diagnosis {
  const seenNames = new Set<string>();
  const agents: VantageResult[] = [];
  for (const o of others) {
    // The bot's own probes are `here`; an agent named twice is counted once.
    if (!o || o.kind === 'bot' || seenNames.has(o.name)) continue;
    seenNames.add(o.name);
    agents.push(o);
  }
  if (agents.length === 0) return here;
  const bot = botSummary(here, hereName.trim() || here.vantage.host);
  const vantages = [bot, ...agents.map(agentSummary)];
  const ctx: VantageRuleContext = { ...buildContext(here.facts, here.evidence, here.plan), vantages };
  const gap = findGap(vantages);
  const [finding] = gap ? evaluate([vantageGap], ctx) : [];
  if (!gap || !finding) {
    const compared = vantages.filter((v) => v.state === 'answered' && v.outcome !== 'not-probed' && v.outcome !== 'error');
    const same = compared.length >= 2 && compared.includes(bot) && compared.every((v) => v.outcome === bot.outcome);
    if (!same) return { ...here, vantages };
    const all = compared.length === vantages.length ? 'every vantage point' : 'every vantage point that answered';
    return { ...here, verdict: `${here.verdict.replace(/[.\s]+$/, '')}; the same from ${all}.`, vantages };
  }
  const target = placeholderValues(ctx).Target ?? 'The server';
  return {
    ...here,
    verdict: `${target} ${gapWords(gap)}.`,
    healthy: false,
    causes: [finding, ...here.causes.filter((c) => c.id !== vantageGap.id)],
    vantages,
  };
}
