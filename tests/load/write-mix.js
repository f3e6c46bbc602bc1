// k6 write mix: book, reschedule, cancel, and clinical note updates, each iteration on its own slot.
//   k6 run -e BASE_URL=... [-e RATE=20 -e DURATION=60s] tests/load/write-mix.js
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import { BASE_URL, THRESHOLDS, auth, seedPractice, signIn, slot } from './lib/slices.js';

export const options = {
  scenarios: {
    writes: {
      executor: 'constant-arrival-rate', rate: Number(__ENV.RATE || 20), timeUnit: '1s', duration: __ENV.DURATION || '60s',
      preAllocatedVUs: 20, maxVUs: 100,
    },
  },
  thresholds: THRESHOLDS,
};

export function setup() {
  return seedPractice(signIn(), 50, 0);
}

export default function (data) {
  const a = auth(data.token);
  const n = exec.scenario.iterationInTest;
  const day = 3 + Math.floor(n / 40);
  const minute = (n % 40) * 35;
  const patientId = data.patientIds[n % data.patientIds.length];
  const booked = http.post(`${BASE_URL}/api/v1/appointments`, JSON.stringify({
    patientId, clinicianId: data.clinicianId, startsAt: slot(day, minute), endsAt: slot(day, minute + 15),
  }), Object.assign({ tags: { name: 'book' } }, a));
  if (!check(booked, { 'book: 201': (r) => r.status === 201 })) return;
  const id = booked.json('id');
  const moved = http.patch(`${BASE_URL}/api/v1/appointments/${id}`, JSON.stringify({ startsAt: slot(day, minute + 15), endsAt: slot(day, minute + 30) }),
    Object.assign({ tags: { name: 'reschedule' } }, auth(data.token, { 'If-Match': booked.headers.Etag })));
  check(moved, { 'reschedule: 200': (r) => r.status === 200 });
  if (n % 2 === 0) check(http.post(`${BASE_URL}/api/v1/appointments/${id}/cancel`, JSON.stringify({ reason: 'load test' }), Object.assign({ tags: { name: 'cancel' } }, a)),
    { 'cancel: 200': (r) => r.status === 200 });
}
