// Proxies and gateways that report their upstream: nginx and Envoy. The endpoint they name is behind them.
import { byNumber, byText, ep, merge, unix, url } from '../patterns.js';
import type { Signature } from './row.js';

export const PROXIES: readonly Signature[] = [
  {
    // nginx: connect() to 127.0.0.1:8082 failed (13: Permission denied) while connecting to upstream: nginx itself may
    // not open a TCP connection (SELinux's httpd_can_network_connect is off). Read before nginx-upstream, which takes the
    // words for a unix socket's; an upstream of unix:/path stays that row's (a socket file's permissions).
    id: 'nginx-upstream-denied', runtime: 'other', client: 'nginx', kind: 'unreachable', weight: 3, pre: 'while connecting to upstream',
    re: /connect\(\) to ([^\s]{1,300}) failed \((13|1): (?:Permission denied|Operation not permitted)\) while connecting to upstream/,
    extract: (m, line) => {
      if (m[1]!.startsWith('unix:')) return null;
      const up = /upstream: "([^"]{1,500})"/.exec(line);
      const e = up && !/unix:/.test(up[1]!) ? url(up[1]) : ep(m[1]);
      const destination = e.host ? { host: e.host, port: e.port ?? null } : null;
      return merge({ errno: m[2] === '1' ? 'EPERM' : 'EACCES' }, e, { hints: ['nginx-upstream', 'upstream'], destination });
    },
  },
  {
    // nginx: connect() failed (111: Connection refused) while connecting to upstream, …, upstream: "http://127.0.0.1:3000/"
    id: 'nginx-upstream', runtime: 'other', client: 'nginx', kind: null, weight: 3, pre: 'while connecting to upstream',
    re: /(?:connect\(\) (?:to ([^\s]{1,300}) )?failed|upstream timed out) \((\d{1,5}): ([^)]{1,100})\) while connecting to upstream/,
    extract: (m, line) => {
      const k = byNumber(m[2], m[3]);
      const up = /upstream: "([^"]{1,500})"/.exec(line);
      const hints = ['nginx-upstream', 'upstream'];
      if (m[1]?.startsWith('unix:')) return { ...unix(m[1].slice(5), m[3]), hints };
      const e = up ? url(up[1]) : m[1] ? ep(m[1]) : {};
      const dest = e.host ? { host: e.host, port: e.port ?? null } : null;
      return merge(k, e, { hints, destination: dest });
    },
  },
  {
    // nginx: host not found in upstream "app:3000" in /etc/nginx/conf.d/default.conf:12
    id: 'nginx-host-not-found', runtime: 'other', client: 'nginx', kind: 'dns', weight: 3, pre: 'host not found in upstream',
    re: /host not found in upstream "([^"\s]{1,300})"/,
    extract: (m) => {
      const e = ep(m[1], false);
      return { ...e, errno: 'ENOTFOUND', hints: ['nginx-upstream', 'upstream'], destination: e.host ? { host: e.host, port: e.port ?? null } : null };
    },
  },
  {
    id: 'nginx-no-live', runtime: 'other', client: 'nginx', kind: 'refused', weight: 1, pre: 'no live upstreams',
    re: /no live upstreams while connecting to upstream/,
    extract: (_m, line) => {
      const up = /upstream: "([^"]{1,500})"/.exec(line);
      return { ...(up ? url(up[1]) : {}), hints: ['nginx-upstream', 'upstream'] };
    },
  },
  {
    // Envoy / Istio: upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: delayed connect error: 111
    id: 'envoy-upstream', runtime: 'other', client: 'envoy', kind: null, weight: 2, pre: 'upstream connect error',
    re: /[Uu]pstream connect error or disconnect\/reset before headers\.(?: retried and the latest)? reset reason: ([^\n]{1,240})/,
    extract: (m) => {
      const text = m[1]!;
      const num = /connect error: (\d{2,5})/.exec(text);
      let k = num ? byNumber(num[1]) : byText(text);
      if (!k.kind && /connection failure/.test(text)) k = { kind: 'refused', errno: 'ECONNREFUSED' };
      if (!k.kind && /connection timeout/.test(text)) k = { kind: 'timeout', errno: 'ETIMEDOUT' };
      // The upstream accepted, then closed or reset the stream before answering.
      if (!k.kind && /connection termination|remote reset|local reset|remote connection failure/.test(text)) k = { kind: 'reset', errno: 'ECONNRESET' };
      return { ...k, hints: ['http-503', 'upstream'] };
    },
  },
];
