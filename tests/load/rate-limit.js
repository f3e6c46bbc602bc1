// k6: one noisy integration past its rate limit, a few quiet ones under theirs.
// Passes when the noisy API key is refused with 429 and no quiet key ever is: limits are per client.
//
//   k6 run -e BASE_URL=https://api.example.com -e ADMIN_EMAIL=... -e ADMIN_PASSWORD=... tests/load/rate-limit.js
//
// Without ADMIN_EMAIL it signs up a practice of its own (fine locally; production sign-up is rate limited too).
// It creates API keys with scope patients:read in that practice; revoke them afterwards on a shared deployment.
import http from 'k6/http';
import { check, fail } from 'k6';
import { Counter } from 'k6/metrics';
import exec from 'k6/execution';

const BASE_URL = (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/$/, '');
const KEY_LIMIT = Number(__ENV.KEY_LIMIT || 100);
const QUIET_CLIENTS = Number(__ENV.QUIET_CLIENTS || 4);
const QUIET_RATE = Number(__ENV.QUIET_RATE || 2); // requests per second per quiet client
const DURATION = __ENV.DURATION || '20s';
const PATH = '/api/v1/patients?limit=1';

const noisyLimited = new Counter('noisy_limited');
const noisyAdmitted = new Counter('noisy_admitted');
const quietLimited = new Counter('quiet_limited');

export const options = {
  scenarios: {
    noisy: { executor: 'constant-vus', exec: 'noisy', vus: Number(__ENV.NOISY_VUS || 16), duration: DURATION },
    quiet: {
      executor: 'constant-arrival-rate', exec: 'quiet', rate: QUIET_CLIENTS * QUIET_RATE, timeUnit: '1s',
      duration: DURATION, preAllocatedVUs: QUIET_CLIENTS * 2,
    },
  },
  thresholds: {
    noisy_limited: ['count>0'],
    quiet_limited: ['count==0'],
    'http_req_failed{scenario:quiet}': ['rate<0.001'],
    'http_req_duration{scenario:quiet}': ['p(95)<200'],
  },
};

const json = { headers: { 'Content-Type': 'application/json' } };

function must(response, what) {
  if (response.status < 200 || response.status > 299) fail(`could not ${what}: ${response.status} ${response.body}`);
  return response.json();
}

function signIn() {
  let email = __ENV.ADMIN_EMAIL;
  let password = __ENV.ADMIN_PASSWORD;
  if (!email) {
    email = `k6.${Date.now()}@load.example`;
    password = 'k6 load test password, not a secret';
    must(http.post(`${BASE_URL}/api/v1/practices`, JSON.stringify(
      { practiceName: 'k6 Load Clinic', adminName: 'k6', adminEmail: email, adminPassword: password }), json), 'sign up');
  }
  return must(http.post(`${BASE_URL}/api/v1/auth/login`, JSON.stringify({ email, password }), json), 'sign in').accessToken;
}

export function setup() {
  const auth = { headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${signIn()}` } };
  const createKey = (name) => must(http.post(`${BASE_URL}/api/v1/api-keys`, JSON.stringify({ name, scopes: ['patients:read'] }), auth), 'create a key');
  const noisy = createKey('k6 noisy integration');
  must(http.patch(`${BASE_URL}/api/v1/api-keys/${noisy.id}`, JSON.stringify({ rateLimit: KEY_LIMIT }), auth), 'limit the noisy key');
  const quiet = [];
  for (let i = 0; i < QUIET_CLIENTS; i++) quiet.push(createKey(`k6 quiet integration ${i + 1}`).key);
  return { noisyKey: noisy.key, quietKeys: quiet };
}

const expectLimits = http.expectedStatuses({ min: 200, max: 299 }, 429);

export function noisy(data) {
  const response = http.get(`${BASE_URL}${PATH}`, { headers: { 'X-API-Key': data.noisyKey }, responseCallback: expectLimits });
  if (response.status === 429) noisyLimited.add(1);
  else noisyAdmitted.add(1);
  check(response, {
    'noisy: 200 or 429': (r) => r.status === 200 || r.status === 429,
    'noisy: 429 says when to retry': (r) => r.status !== 429 || Number(r.headers['Retry-After']) >= 1,
    'noisy: RateLimit fields present': (r) => !!r.headers['Ratelimit-Policy'] && !!r.headers['Ratelimit'],
  });
}

export function quiet(data) {
  const key = data.quietKeys[exec.scenario.iterationInTest % data.quietKeys.length];
  const response = http.get(`${BASE_URL}${PATH}`, { headers: { 'X-API-Key': key } });
  if (response.status === 429) quietLimited.add(1);
  check(response, { 'quiet: 200': (r) => r.status === 200 });
}
