// connect() was refused on the client's own machine, before a packet left it: EACCES or EPERM from a security module
// (SELinux keeping nginx, httpd or php-fpm from dialling out; AppArmor), a sandbox (Landlock, seccomp, a snap or
// Flatpak, systemd's IPAddressDeny=), or a local firewall hook; and macOS's Local Network privacy, which answers an
// app it has not allowed with EHOSTUNREACH while Terminal and Safari reach the same address.
//
// A unix socket that says "permission denied" is a file's mode, unix-socket-missing's story, not this one.
import { hostPort } from '../domain/describe.js';
import type { Facts } from '../domain/types.js';
import { isLocalPolicy } from '../probes/classify-socket-error.js';
import { linux, macos, outgoingFirewallRules, securityModuleDenials, seBoolean, testPort, windows } from './commands.js';
import type { Rule } from './types.js';
import { hasHint } from './view.js';

const DENIED = new Set(['EACCES', 'EPERM']);

const WORDS: Record<string, string> = { EACCES: 'EACCES, permission denied', EPERM: 'EPERM, operation not permitted' };

// Web servers and PHP run as httpd_t under SELinux, which may not open TCP connections out unless a boolean says so.
const WEB_CLIENTS = new Set(['nginx', 'httpd', 'apache', 'php-fpm', 'pdo', 'mysqli', 'swiftmailer', 'wordpress']);
const MAIL_PORTS = new Set([25, 465, 587]);

/** The SELinux boolean that lets the web server's domain make this connection. */
function seBool(facts: Facts): string {
  if (facts.service === 'mysql' || facts.service === 'postgres') return 'httpd_can_network_connect_db';
  if (facts.client === 'swiftmailer' || (facts.port !== null && MAIL_PORTS.has(facts.port))) return 'httpd_can_sendmail';
  return 'httpd_can_network_connect';
}

/** Which local policies the steps should name: SELinux and AppArmor on Linux, macOS's privacy settings, Windows'. */
function policyVars(facts: Facts, lan: boolean): Record<string, string> {
  const vars: Record<string, string> = { sebool: seBool(facts) };
  const web = (facts.client !== null && WEB_CLIENTS.has(facts.client)) || facts.runtime === 'php' || hasHint(facts, 'nginx-upstream');
  if (facts.os !== 'macos' && facts.os !== 'windows' && !lan) vars.linux = '1';
  if (vars.linux && (web || hasHint(facts, 'selinux'))) vars.web = '1';
  if (lan || facts.os === 'macos') vars.macos = '1';
  if (facts.os === 'windows') vars.windows = '1';
  return vars;
}

export const permissionDenied: Rule = {
  id: 'permission-denied',
  title: '{policyStory}',
  explanation:
    'The connection never left the client\'s machine: connect() came back with EACCES or EPERM because something on ' +
    'that machine does not allow this program to make it. On RHEL, Fedora, CentOS and Rocky, SELinux keeps web ' +
    'servers and PHP (nginx, httpd, php-fpm) from opening network connections until a boolean allows it, which nginx ' +
    'logs as "(13: Permission denied) while connecting to upstream" and PHP as "[2002] Permission denied". AppArmor ' +
    'profiles, sandboxes (snap, Flatpak, Landlock, seccomp, systemd\'s IPAddressDeny=) and local firewall hooks do the ' +
    'same. On macOS 15 and later, an app without Local Network permission gets "no route to host" (EHOSTUNREACH) for ' +
    'addresses on the local network while Terminal and Safari reach them. The server is not involved: the same ' +
    'connection made by another program, or by the same one as another user, usually works.',
  steps: [
    {
      text: 'See whether SELinux or AppArmor denied it; the audit log names the program (comm=) and what it tried (name_connect on a port). audit2why says which boolean or rule would allow it:',
      requires: 'linux',
      commands: [...securityModuleDenials(), linux('sudo ausearch -m avc -ts recent | audit2why')],
    },
    {
      text: 'SELinux lets a web server or PHP (httpd_t) connect out only when {sebool} is on. Read it, then turn it on for good:',
      requires: 'web',
      commands: seBoolean(),
    },
    {
      text: 'Look at this machine\'s own outgoing rules (a rule that drops or rejects by user, program or port stops connect() here):',
      commands: outgoingFirewallRules(),
    },
    {
      text: 'A sandboxed program can be kept off the network: check its unit\'s or package\'s limits (systemd IPAddressDeny= / RestrictAddressFamilies=, a snap\'s network plug):',
      requires: 'linux',
      commands: [linux('systemctl show <service-name> -p IPAddressDeny -p IPAddressAllow -p RestrictAddressFamilies'), linux('snap connections <snap-name> | grep network')],
    },
    {
      text: 'macOS 15 and later: allow the app (the one that started the program, such as an editor for its extension or a desktop app for its helper) in System Settings → Privacy & Security → Local Network, then restart it:',
      requires: 'macos',
      commands: [macos('open "x-apple.systempreferences:com.apple.preference.security"')],
    },
    {
      text: 'Windows: an outbound rule of Windows Defender Firewall, or an antivirus or endpoint agent, can block one program; look at the rules that block, and at the agent\'s log:',
      requires: 'windows',
      commands: [windows('Get-NetFirewallRule -Direction Outbound -Action Block -Enabled True | Get-NetFirewallApplicationFilter')],
    },
    {
      text: 'Confirm that the target itself is fine: connect from the same machine as another program or user (Terminal, root, curl); if that works, the block is on the failing program:',
      commands: testPort(),
    },
  ],
  docs: 'https://man7.org/linux/man-pages/man2/connect.2.html',
  when({ facts, view }) {
    // A socket file's permissions are unix-socket-missing's story.
    if (facts.kind === 'unix_socket' || facts.unixSocket !== null) return null;
    const lan = hasHint(facts, 'local-network-privacy');
    const vars = policyVars(facts, lan);
    const target = facts.host ? hostPort(facts.host, facts.port) : 'the server';
    if (view.probed) {
      const denied = view.addresses.filter((a) => a.errnos.some((e) => DENIED.has(e)));
      if (denied.length > 0 && !view.anyOpen) {
        // EPERM anywhere, or EACCES over IPv4: this machine said no. EACCES over IPv6 may be a router's ICMPv6 reject.
        const local = denied.filter((a) => a.errnos.some((e) => isLocalPolicy(e, a.family)));
        const errno = denied[0]!.errnos.find((e) => DENIED.has(e))!;
        const evidence = denied.map((a) => `${a.line}: ${local.includes(a) ? 'refused on this machine before anything was sent' : 'EACCES over IPv6, from a policy here or a router\'s "administratively prohibited"'}`);
        return {
          confidence: local.length > 0 ? 0.92 : 0.5,
          evidence,
          vars: { ...vars, policyStory: `This machine does not allow the connection to ${target} (${WORDS[errno]})` },
        };
      }
      // macOS: the app could not reach a LAN address that answers from here (Terminal): its Local Network permission.
      if (lan && view.anyOpen) {
        return { confidence: 0.9, evidence: [...view.open.map((a) => `${a.line} from here, while the app got EHOSTUNREACH`)], vars: { ...vars, policyStory: lanStory(target) } };
      }
    }
    if (lan) {
      return {
        confidence: 0.82,
        evidence: [`the app got ${facts.errno ?? 'EHOSTUNREACH'} for ${target} on the local network on a Mac, while another program reaches it`],
        vars: { ...vars, policyStory: lanStory(target) },
      };
    }
    if (!DENIED.has(facts.errno ?? '') || facts.kind === 'none') return null;
    const errno = facts.errno!;
    if (hasHint(facts, 'nginx-upstream')) {
      const up = facts.destination ? hostPort(facts.destination.host, facts.destination.port) : target;
      // Above upstream-refused: nginx is up and so may be its upstream; nginx was not allowed to dial it.
      return {
        confidence: 0.96,
        evidence: [`nginx got ${WORDS[errno]} connecting to its upstream ${up}: its own machine would not let it connect (the upstream was never reached)`],
        vars: { ...vars, policyStory: `nginx is not allowed to connect to its upstream ${up} (SELinux: ${vars.sebool} is likely off)` },
      };
    }
    return {
      confidence: 0.9,
      evidence: [`the client got ${WORDS[errno]} connecting to ${target}: refused on its own machine, before anything was sent`],
      vars: { ...vars, policyStory: `A policy on the client's machine stops it from connecting to ${target} (${errno})` },
    };
  },
};

function lanStory(target: string): string {
  return `macOS keeps this app off the local network: it may not reach ${target} (Local Network privacy)`;
}
