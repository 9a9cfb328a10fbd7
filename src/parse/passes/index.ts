// The parser's passes, in the order they run. Each one decides one thing about the failed connection, reading the
// paste through the Context and writing into the Draft that started as the root error's own line.
//
// A pass is `(draft, ctx) => void`: it changes the draft in place rather than returning a new one. The draft is
// private to one parse() call and nothing holds on to it between passes, so copying it at every step would buy no
// safety; in place, each pass reads as the plain sequence of decisions it is ("no host yet? take the one from …"),
// and growing or emptying the address list is one statement, not a rebuild. toFacts() copies the draft out at
// the end, so nothing outside the parser ever sees it half done.
//
// The order matters: most passes only fill what is still empty, so an earlier pass wins (the error's own lines
// before text near it, a written port before an inferred one), and some read what an earlier one decided (the
// proxy pass needs the client; the hints need the kind, the endpoint and the service).
import type { Pass } from '../draft.js';
import { borrowEndpoint } from './borrow-endpoint.js';
import { chainOfErrors } from './chain-of-errors.js';
import { collectAddresses } from './collect-addresses.js';
import { errnoAndOs } from './errno-and-os.js';
import { gatherRelated } from './gather-related.js';
import { gateway } from './gateway.js';
import { guessEndpoint } from './guess-endpoint.js';
import { addHints } from './hints.js';
import { identifyClient } from './identify-client.js';
import { inferPort } from './infer-port.js';
import { pairNameWithAddress } from './pair-name-address.js';
import { portForHost } from './port-for-host.js';
import { portFromErrorObject } from './port-from-error-object.js';
import { proxy } from './proxy.js';
import { reporterContext } from './reporter-context.js';
import { serverStarting } from './server-starting.js';
import { socketRefusal } from './socket-refusal.js';
import { findSocketPath } from './socket-path.js';
import { decideTls } from './tls.js';
import { unmask } from './unmask.js';

export const PASSES: readonly Pass[] = [
  // the endpoint: the error's own lines first, then the text around it
  gatherRelated,
  borrowEndpoint,
  findSocketPath,
  guessEndpoint,
  pairNameWithAddress,
  portForHost,
  unmask,
  collectAddresses,
  portFromErrorObject,
  socketRefusal,
  // who talked to what, and what follows from it
  identifyClient,
  inferPort,
  decideTls,
  proxy,
  // what else the paste says
  addHints,
  reporterContext,
  serverStarting,
  gateway,
  chainOfErrors,
  errnoAndOs,
];
