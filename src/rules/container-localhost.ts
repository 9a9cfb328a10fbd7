// localhost inside a container is the container: the database "on localhost" is somewhere else.
import { anyOs, composeExec, composePs, linux, nc, serviceEndpoints } from './commands.js';
import type { Rule } from './types.js';
import { answeredInContainer, hasHint } from './view.js';

export const containerLocalhost: Rule = {
  id: 'container-localhost',
  title: 'Inside a container, {host} is the container itself',
  explanation:
    'Each container has its own network namespace with its own loopback. A client in a container that connects to ' +
    'localhost / 127.0.0.1 reaches only processes in that same container (in Kubernetes: the same pod), never the ' +
    'host and never the other containers, so the connection is refused even though the server runs fine next door. ' +
    'Reach another Compose service by its service name (Compose gives each one a DNS name on the project network), ' +
    'a Kubernetes workload by its Service name, and the host by host.docker.internal (Docker Desktop; on Linux add ' +
    'it with host-gateway). A server on the host that listens on 127.0.0.1 only is not reachable from containers ' +
    'either: it must also listen on the Docker bridge address (often 172.17.0.1) or on 0.0.0.0.',
  steps: [
    {
      text: 'List the services and their ports; use the service name (e.g. db:{port}) instead of {host}:',
      commands: [composePs(), anyOs('docker compose config --services')],
    },
    {
      text: 'From inside the client container, check that the name resolves and the port answers:',
      commands: [
        composeExec('<client-service>', 'getent hosts <server-service>'),
        composeExec('<client-service>', nc('<server-service>', '{port}', { wait: null })),
      ],
    },
    {
      text: 'In Kubernetes, use the Service name (<service>.<namespace>.svc.cluster.local, or just <service> in the same namespace) and check that it has endpoints:',
      commands: [anyOs('kubectl get svc -A'), serviceEndpoints('<service>', '<namespace>')],
    },
    {
      text: 'If the server runs on the host, use host.docker.internal. Docker Desktop provides it; on Linux map it yourself with --add-host, or in compose.yaml with extra_hosts: ["host.docker.internal:host-gateway"]:',
      commands: [linux('docker run --add-host=host.docker.internal:host-gateway <image>')],
    },
    {
      text: 'Both containers must share a network; check which networks each one is on:',
      commands: [anyOs('docker network ls'), anyOs("docker inspect -f '{{json .NetworkSettings.Networks}}' <container>")],
    },
  ],
  docs: 'https://docs.docker.com/compose/how-tos/networking/',
  when({ facts, view }) {
    if (!view.loopback) return null;
    // The client's own shell prompt, command or words put it in a container (passes/reporter-context.ts).
    const client = hasHint(facts, 'client-in-container');
    if (!client && !hasHint(facts, 'in-container', 'compose')) {
      if (!answeredInContainer(facts)) return null;
      // Only the reporter's side says it is a container (see rules/questions.ts). Where this machine probed that
      // loopback itself (the command, run inside that container), what listens there is known: the container's
      // own loopback is then the context for a refusal, not the finding, and an open port is no story at all.
      if (view.probed && (view.anyOpen || view.refused.length === 0)) return null;
      const where = facts.answers?.clientWhere === 'pod' ? 'a Kubernetes pod' : 'a container';
      return {
        confidence: view.probed ? 0.6 : 0.94,
        evidence: [`the program that got the error runs in ${where}, so ${facts.host} there is that ${where === 'a container' ? 'container' : 'pod'}`, ...view.refused.map((a) => a.line)],
      };
    }
    const lines = [`${facts.host} in an error from inside a container (the text says it ran in a container)`];
    // "compose" or "docker" elsewhere in the text only says containers are involved, maybe on the server's side. A
    // client that dialled the container side of a published port, or got a reset through a published port, is on
    // the host: the container's side is the story (wrong-port, bound-to-loopback).
    const onHost = !client && (hasHint(facts, 'dialled-container-port') || (facts.kind === 'reset' && hasHint(facts, 'published-port')));
    return { confidence: onHost ? 0.3 : 0.94, evidence: [...lines, ...view.refused.map((a) => a.line)] };
  },
};
