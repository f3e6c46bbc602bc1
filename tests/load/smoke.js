// k6 smoke test: every main endpoint once, each answering what the contract says.
//   k6 run -e BASE_URL=https://api.example.com [-e ADMIN_EMAIL=... -e ADMIN_PASSWORD=...] tests/load/smoke.js
import http from 'k6/http';
import { check } from 'k6';
import { BASE_URL, THRESHOLDS, auth, seedPractice, signIn, slot } from './lib/slices.js';

export const options = { vus: 1, iterations: 1, thresholds: THRESHOLDS };

export function setup() {
  return seedPractice(signIn(), 3, 1);
}

export default function (data) {
  const a = auth(data.token);
  const ok = (r, status, name) => check(r, { [`${name}: ${status}`]: (x) => x.status === status });
  const patientId = data.patientIds[0];

  ok(http.get(`${BASE_URL}/api/health`), 200, 'health');
  ok(http.get(`${BASE_URL}/api/v1/info`), 200, 'info');
  ok(http.get(`${BASE_URL}/api/v1/auth/me`, a), 200, 'me');
  const created = http.post(`${BASE_URL}/api/v1/patients`, JSON.stringify({ givenName: 'Smoke', familyName: 'Test', dateOfBirth: '1990-05-05', sex: 'female' }), a);
  ok(created, 201, 'create patient');
  const read = http.get(`${BASE_URL}/api/v1/patients/${patientId}`, a);
  ok(read, 200, 'read patient');
  ok(http.get(`${BASE_URL}/api/v1/patients?q=Patient`, a), 200, 'search patients');
  ok(http.patch(`${BASE_URL}/api/v1/patients/${patientId}`, JSON.stringify({ phone: '+447700900111' }), auth(data.token, { 'If-Match': read.headers.Etag })), 200, 'update patient');
  ok(http.get(`${BASE_URL}/api/v1/clinicians`, a), 200, 'list clinicians');
  ok(http.get(`${BASE_URL}/api/v1/clinicians/${data.clinicianId}/availability?from=${slot(1, 0)}&to=${slot(1, 600)}&duration=30`, a), 200, 'availability');
  const booked = http.post(`${BASE_URL}/api/v1/appointments`, JSON.stringify({ patientId, clinicianId: data.clinicianId, startsAt: slot(2, 60), endsAt: slot(2, 90) }), a);
  ok(booked, 201, 'book');
  const id = booked.json('id');
  const appointment = http.get(`${BASE_URL}/api/v1/appointments/${id}`, a);
  ok(appointment, 200, 'read appointment');
  ok(http.get(`${BASE_URL}/api/v1/appointments?clinicianId=${data.clinicianId}&from=${slot(0, 0)}&to=${slot(1, 0)}`, a), 200, 'day of appointments');
  ok(http.patch(`${BASE_URL}/api/v1/appointments/${id}`, JSON.stringify({ startsAt: slot(2, 120), endsAt: slot(2, 150) }), auth(data.token, { 'If-Match': appointment.headers.Etag })), 200, 'reschedule');
  ok(http.post(`${BASE_URL}/api/v1/appointments/${id}/cancel`, JSON.stringify({ reason: 'smoke test' }), a), 200, 'cancel');
  const note = http.post(`${BASE_URL}/api/v1/patients/${patientId}/notes`, JSON.stringify({ kind: 'progress', body: 'Smoke test note.' }), a);
  check(note, { 'create note: 201 or 403 for admins': (r) => r.status === 201 || r.status === 403 });
  ok(http.get(`${BASE_URL}/api/v1/audit/events?limit=5`, a), 200, 'audit events');
  ok(http.get(`${BASE_URL}/api/v1/audit/verify`, a), 200, 'audit chain');
}
