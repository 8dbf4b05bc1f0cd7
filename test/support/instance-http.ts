import { expect } from '@jest/globals';
import type { EmulatorUser } from '@feishu-auth/emulator';
import { CookieJar } from './cookie-jar.js';
import type { InstanceApp } from './instance-app.js';

const REQUEST_TIMEOUT_MS = 30_000;

/** An instance app's answer: its status and JSON body (or `{ text }`). */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export async function get(instance: InstanceApp, path: string, jar?: CookieJar): Promise<Answer> {
  const response = await fetch(`${instance.url}${path}`, {
    headers: jar ? { cookie: jar.header() } : {},
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  jar?.store(response);
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body };
}

/** The whole login of `user` over HTTP: started on one instance, finished on another. */
export async function signIn(
  user: EmulatorUser,
  startOn: InstanceApp,
  finishOn: InstanceApp,
): Promise<CookieJar> {
  const jar = new CookieJar();
  const loginResponse = await fetch(`${startOn.url}/auth/feishu/login`, {
    headers: { cookie: jar.header() },
    redirect: 'manual',
  });
  jar.store(loginResponse);
  expect(loginResponse.status).toBe(302);
  const authorize = new URL(loginResponse.headers.get('location') ?? '');
  authorize.searchParams.set('login_hint', user.openId);
  const consent = await fetch(authorize, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const callback = new URL(consent.headers.get('location') ?? '');
  const signedIn = await get(finishOn, `${callback.pathname}${callback.search}`, jar);
  expect(signedIn.status).toBe(302);
  expect(jar.has('feishu_session')).toBe(true);
  return jar;
}

export function statuses(answers: readonly Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
