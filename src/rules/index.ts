// The built-in rule table, in order. Order breaks ties between equal confidences: specific causes that a
// hint or a skip decides come first, then what the probes decide, then the "also possible" ones.
import { blockedByPolicy } from './blocked-by-policy.js';
import { boundToLoopback } from './bound-to-loopback.js';
import { connectionReset } from './connection-reset.js';
import { containerLocalhost } from './container-localhost.js';
import { dnsMismatch } from './dns-mismatch.js';
import { dnsNotFound } from './dns-not-found.js';
import { ephemeralPortsExhausted } from './ephemeral-ports-exhausted.js';
import { familyMismatch } from './family-mismatch.js';
import { firewallDrop } from './firewall-drop.js';
import { firewallReject } from './firewall-reject.js';
import { hostNotSet } from './host-not-set.js';
import { hostUnreachable } from './host-unreachable.js';
import { intermittent } from './intermittent.js';
import { kafkaAdvertisedListener } from './kafka-advertised-listener.js';
import { kubectlNoConfig } from './kubectl-no-config.js';
import { localTarget } from './local-target.js';
import { notListening } from './not-listening.js';
import { notResponding } from './not-responding.js';
import { permissionDenied } from './permission-denied.js';
import { privateName } from './private-name.js';
import { probeFailed } from './probe-failed.js';
import { proxyRefused } from './proxy-refused.js';
import { proxyRequired } from './proxy-required.js';
import { reachableFromHere } from './reachable-from-here.js';
import { serviceMismatch } from './service-mismatch.js';
import { serviceStarting } from './service-starting.js';
import { tlsCertificate } from './tls-certificate.js';
import { tlsMismatch } from './tls-mismatch.js';
import { unixSocketMissing } from './unix-socket-missing.js';
import { upstreamRefused } from './upstream-refused.js';
import type { Rule } from './types.js';
import { vantageGap } from './vantage-gap.js';
import { wrongPort } from './wrong-port.js';

export const RULES: readonly Rule[] = Object.freeze([
  blockedByPolicy,
  probeFailed,
  unixSocketMissing,
  permissionDenied,
  ephemeralPortsExhausted,
  kubectlNoConfig,
  hostNotSet,
  proxyRefused,
  proxyRequired,
  upstreamRefused,
  kafkaAdvertisedListener,
  containerLocalhost,
  localTarget,
  privateName,
  serviceStarting,
  dnsNotFound,
  dnsMismatch,
  tlsMismatch,
  tlsCertificate,
  serviceMismatch,
  intermittent,
  notResponding,
  familyMismatch,
  wrongPort,
  notListening,
  firewallDrop,
  hostUnreachable,
  firewallReject,
  connectionReset,
  boundToLoopback,
  reachableFromHere,
  // Fires only beside other vantage points (compareVantages puts them in its context); quiet in a single run.
  vantageGap,
]);

export type { Rule, RuleContext, Match, StepTemplate } from './types.js';
