import {
  addPendingLogin,
  findPendingLogin,
  LOGIN_STATE_TTL_SECONDS,
  MAX_PENDING_LOGINS,
  type FeishuPendingLogin,
} from './feishu-pending-logins.js';

const NOW = 1_700_000_000_000;
const TTL_MS = LOGIN_STATE_TTL_SECONDS * 1000;

function login(state: string, ageMs: number): FeishuPendingLogin {
  return { state, createdAt: NOW - ageMs };
}

const always = (): boolean => true;

describe('addPendingLogin', () => {
  it.each([
    ['no earlier login', [], ['new']],
    ['one live login', [login('a', 1000)], ['a', 'new']],
    ['an expired login', [login('old', TTL_MS), login('a', 1000)], ['a', 'new']],
    ['a login from the future (clock set back)', [login('future', -1)], ['new']],
    [
      `${MAX_PENDING_LOGINS} live logins`,
      [login('a', 3000), login('b', 2000), login('c', 1000)],
      ['b', 'c', 'new'],
    ],
    ['the same state again', [login('new', 1000)], ['new']],
  ])('should keep the live logins, newest last, after %s', (_label, pending, expected) => {
    const next = addPendingLogin(pending, login('new', 0), NOW, always);
    expect(next?.map((entry) => entry.state)).toEqual(expected);
  });

  it('should drop the oldest logins until the list fits', () => {
    const pending = [login('a', 2000), login('b', 1000)];
    const next = addPendingLogin(pending, login('new', 0), NOW, (list) => list.length <= 1);
    expect(next?.map((entry) => entry.state)).toEqual(['new']);
  });

  it('should give up when the new login alone does not fit', () => {
    expect(addPendingLogin([], login('new', 0), NOW, () => false)).toBeUndefined();
  });
});

describe('findPendingLogin', () => {
  const pending = [login('a', 1000), login('old', TTL_MS), login('edge', TTL_MS - 1)];

  it.each([
    ['a', 'a'],
    ['edge', 'edge'],
    ['old', undefined],
    ['unknown', undefined],
    ['', undefined],
  ])('should find state %j: %s', (state, expected) => {
    expect(findPendingLogin(pending, state, NOW)?.state).toBe(expected);
  });
});
