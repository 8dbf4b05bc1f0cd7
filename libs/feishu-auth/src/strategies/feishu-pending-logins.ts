/** A login must complete within 10 minutes of its start (Feishu codes live 5). */
export const LOGIN_STATE_TTL_SECONDS = 600;

/** Logins one browser may have in progress at once (tabs); an older one is dropped first. */
export const MAX_PENDING_LOGINS = 3;

/**
 * One login between the redirect to Feishu and the callback, as the browser's login cookie carries
 * it (sealed): nothing about it is stored on the server before the callback.
 */
export interface FeishuPendingLogin {
  state: string;
  codeVerifier?: string;
  /** A local path to return to after login (already validated). */
  returnTo?: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

/** Milliseconds `login` has left at `now`; zero or less once expired. */
export function pendingLoginRemainingMs(login: FeishuPendingLogin, now: number): number {
  return login.createdAt + LOGIN_STATE_TTL_SECONDS * 1000 - now;
}

/**
 * The cookie's logins after `login` starts: the live ones (a clock set back counts as expired),
 * newest last, at most `MAX_PENDING_LOGINS`, dropping the oldest while `fits` refuses the list.
 * `undefined` when even `login` alone does not fit.
 */
export function addPendingLogin(
  pending: readonly FeishuPendingLogin[],
  login: FeishuPendingLogin,
  now: number,
  fits: (logins: readonly FeishuPendingLogin[]) => boolean,
): FeishuPendingLogin[] | undefined {
  const live = pending.filter((entry) => isLive(entry, now) && entry.state !== login.state);
  let next = [...live, login].slice(-MAX_PENDING_LOGINS);
  while (next.length > 0 && !fits(next)) {
    next = next.slice(1);
  }
  return next.length === 0 ? undefined : next;
}

/** The live login of `state` among `pending`, if any. */
export function findPendingLogin(
  pending: readonly FeishuPendingLogin[],
  state: string,
  now: number,
): FeishuPendingLogin | undefined {
  return pending.find((entry) => entry.state === state && isLive(entry, now));
}

function isLive(login: FeishuPendingLogin, now: number): boolean {
  const remaining = pendingLoginRemainingMs(login, now);
  return remaining > 0 && remaining <= LOGIN_STATE_TTL_SECONDS * 1000;
}
