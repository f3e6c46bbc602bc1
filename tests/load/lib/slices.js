// Shared by the k6 scripts: where the API is, how to sign in, and a small practice to work on.
import http from 'k6/http';
import { fail } from 'k6';

export const BASE_URL = (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/$/, '');
export const THRESHOLDS = {
  http_req_duration: ['p(95)<200'], // the brief's target: average under 200 ms; we hold the 95th percentile to it
  http_req_failed: ['rate<0.001'],
  checks: ['rate>0.999'],
};

const json = { 'Content-Type': 'application/json' };

export function must(response, what) {
  if (response.status < 200 || response.status > 299) fail(`could not ${what}: ${response.status} ${response.body}`);
  return response.body ? response.json() : null;
}

/** An admin token: ADMIN_EMAIL/ADMIN_PASSWORD of an existing practice, or a practice signed up for this run. */
export function signIn() {
  let email = __ENV.ADMIN_EMAIL;
  let password = __ENV.ADMIN_PASSWORD;
  if (!email) {
    email = `k6.${Date.now()}.${Math.floor(Math.random() * 1e6)}@load.example`;
    password = 'k6 load test password, not a secret';
    must(http.post(`${BASE_URL}/api/v1/practices`, JSON.stringify(
      { practiceName: 'k6 Load Clinic', adminName: 'k6', adminEmail: email, adminPassword: password }), { headers: json }), 'sign up');
  }
  return must(http.post(`${BASE_URL}/api/v1/auth/login`, JSON.stringify({ email, password }), { headers: json }), 'sign in').accessToken;
}

export function auth(token, extra = {}) {
  return { headers: Object.assign({ 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, extra) };
}

/** A UTC day at least a week ahead, as an ISO date, plus a minute offset into it. */
export function slot(dayOffset, minute) {
  const day = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 8 + dayOffset));
  return new Date(day.getTime() + minute * 60000).toISOString();
}

/** A clinician working around the clock every day, and some patients with appointments on the first day. */
export function seedPractice(token, patients = 50, appointments = 20) {
  const hours = [1, 2, 3, 4, 5, 6, 7].map((d) => ({ weekday: d, starts: '00:00:00', ends: '23:59:00' }));
  const clinician = must(http.post(`${BASE_URL}/api/v1/clinicians`, JSON.stringify({ name: 'Dr k6', timeZone: 'Etc/UTC', workingHours: hours }), auth(token)), 'create a clinician');
  const patientIds = [];
  for (let i = 0; i < patients; i++) {
    const p = must(http.post(`${BASE_URL}/api/v1/patients`, JSON.stringify({
      givenName: `Load${i}`, familyName: `Patient${i % 10}`, dateOfBirth: '1980-01-01', sex: 'unknown',
    }), auth(token)), 'create a patient');
    patientIds.push(p.id);
  }
  for (let i = 0; i < appointments; i++) {
    must(http.post(`${BASE_URL}/api/v1/appointments`, JSON.stringify({
      patientId: patientIds[i % patientIds.length], clinicianId: clinician.id, startsAt: slot(0, i * 30), endsAt: slot(0, i * 30 + 20),
    }), auth(token)), 'book an appointment');
  }
  return { token, clinicianId: clinician.id, patientIds };
}
