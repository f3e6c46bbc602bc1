// k6 spike: reads jump from a trickle to ten times the normal rate and back; errors must stay rare throughout.
//   k6 run -e BASE_URL=... [-e PEAK=500] tests/load/spike.js
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, THRESHOLDS, auth, seedPractice, signIn } from './lib/slices.js';

const peak = Number(__ENV.PEAK || 500);

export const options = {
  scenarios: {
    spike: {
      executor: 'ramping-arrival-rate', startRate: Math.ceil(peak / 10), timeUnit: '1s', preAllocatedVUs: 50, maxVUs: 500,
      stages: [
        { target: Math.ceil(peak / 10), duration: '20s' },
        { target: peak, duration: '10s' },
        { target: peak, duration: '30s' },
        { target: Math.ceil(peak / 10), duration: '10s' },
        { target: Math.ceil(peak / 10), duration: '20s' },
      ],
    },
  },
  thresholds: Object.assign({}, THRESHOLDS, { http_req_duration: ['p(95)<500'] }), // a spike may cost latency, not errors
};

export function setup() {
  return seedPractice(signIn(), 100, 0);
}

export default function (data) {
  const id = data.patientIds[Math.floor(Math.random() * data.patientIds.length)];
  check(http.get(`${BASE_URL}/api/v1/patients/${id}`, auth(data.token)), { 'read: 200': (r) => r.status === 200 });
}
