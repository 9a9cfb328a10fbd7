// The probe policy lives in src/policy/; this module keeps the probes' (and older callers') import path.
export {
  checkHost, checkPort, checkResolved, checkTarget, DEFAULT_POLICY, defaultPolicy, isLoopback, isUnspecified, withContact,
  type Policy, type PolicyVerdict,
} from '../policy/index.js';
