// k6 read mix at a fixed arrival rate: patient reads, patient search, a clinician's day, availability.
//   k6 run -e BASE_URL=... [-e RATE=100 -e DURATION=60s] tests/load/read-mix.js
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, THRESHOLDS, auth, seedPractice, signIn, slot } from './lib/slices.js';

export const options = {
  scenarios: {
    reads: {
      executor: 'constant-arrival-rate', rate: Number(__ENV.RATE || 100), timeUnit: '1s', duration: __ENV.DURATION || '60s',
      preAllocatedVUs: 20, maxVUs: 200,
    },
  },
  thresholds: THRESHOLDS,
};

export function setup() {
  return seedPractice(signIn(), 200, 40);
}

export default function (data) {
  const a = auth(data.token);
  const pick = Math.random();
  let response;
  if (pick < 0.4) response = http.get(`${BASE_URL}/api/v1/patients/${data.patientIds[Math.floor(Math.random() * data.patientIds.length)]}`, Object.assign({ tags: { name: 'patient' } }, a));
  else if (pick < 0.6) response = http.get(`${BASE_URL}/api/v1/patients?q=Patient${Math.floor(Math.random() * 10)}&limit=20`, Object.assign({ tags: { name: 'search' } }, a));
  else if (pick < 0.85) response = http.get(`${BASE_URL}/api/v1/appointments?clinicianId=${data.clinicianId}&from=${slot(0, 0)}&to=${slot(1, 0)}`, Object.assign({ tags: { name: 'day' } }, a));
  else response = http.get(`${BASE_URL}/api/v1/clinicians/${data.clinicianId}/availability?from=${slot(0, 0)}&to=${slot(1, 0)}&duration=30`, Object.assign({ tags: { name: 'availability' } }, a));
  check(response, { 'read: 200': (r) => r.status === 200 });
}
