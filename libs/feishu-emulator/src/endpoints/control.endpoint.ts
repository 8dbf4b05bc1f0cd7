import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorApp, EmulatorTokenLifetimes, EmulatorUser } from '../emulator.options.js';
import type { EmulatorFault } from '../faults.js';
import { readBody } from '../http/request-body.js';
import { sendJson } from '../http/responses.js';
import type { IssueAuthorizationCodeInput } from '../emulator.types.js';
import type { EmulatorSentMessage } from '../state/sent-messages.js';

export const CONTROL_PREFIX = '/__emulator/';

/** The part of FeishuEmulator the HTTP control API drives. */
export interface EmulatorControl {
  readonly apps: EmulatorApp[];
  readonly users: EmulatorUser[];
  stats(): Record<string, number>;
  resetStats(): void;
  failNext(fault: EmulatorFault): void;
  clearFaults(): void;
  setTokenLifetimes(lifetimes: Partial<EmulatorTokenLifetimes>): void;
  invalidateToken(token: string): boolean;
  invalidateTenantTokens(appId?: string): void;
  revokeRefreshTokens(openId: string): void;
  expireUserTokens(openId: string): number;
  revokeUserTokens(openId: string): number;
  sentMessages(): EmulatorSentMessage[];
  clearSentMessages(): void;
  openIdFor(appId: string, userOrOpenId: string): string;
  issueAuthorizationCode(input: IssueAuthorizationCodeInput): string;
  pushAppTicket(appId: string): Promise<unknown>;
  verifyEventUrl(appId: string): Promise<unknown>;
}

type ControlAction = (control: EmulatorControl, body: Record<string, unknown>) => unknown;

const ACTIONS: Record<string, ControlAction> = {
  'GET stats': (control) => control.stats(),
  'POST reset-stats': (control) => (control.resetStats(), { ok: true }),
  'POST fail-next': (control, body) => (control.failNext(body as EmulatorFault), { ok: true }),
  'POST clear-faults': (control) => (control.clearFaults(), { ok: true }),
  'POST token-lifetimes': (control, body) => (
    control.setTokenLifetimes(body as Partial<EmulatorTokenLifetimes>),
    { ok: true }
  ),
  'POST invalidate-token': (control, body) => ({
    ok: control.invalidateToken(requireString(body, 'token')),
  }),
  'POST invalidate-tenant-tokens': (control, body) => (
    control.invalidateTenantTokens(typeof body.appId === 'string' ? body.appId : undefined),
    { ok: true }
  ),
  'POST revoke-refresh-tokens': (control, body) => (
    control.revokeRefreshTokens(requireString(body, 'openId')),
    { ok: true }
  ),
  'POST expire-user-tokens': (control, body) => ({
    tokens: control.expireUserTokens(requireString(body, 'openId')),
  }),
  'POST revoke-user-tokens': (control, body) => ({
    tokens: control.revokeUserTokens(requireString(body, 'openId')),
  }),
  'GET messages': (control) => control.sentMessages(),
  'POST clear-messages': (control) => (control.clearSentMessages(), { ok: true }),
  'POST open-id': (control, body) => ({
    openId: control.openIdFor(requireString(body, 'appId'), requireString(body, 'user')),
  }),
  'POST issue-code': (control, body) => ({
    code: control.issueAuthorizationCode(body as unknown as IssueAuthorizationCodeInput),
  }),
  'POST push-app-ticket': async (control, body) => {
    await control.pushAppTicket(requireString(body, 'appId'));
    return { ok: true };
  },
  'POST verify-event-url': (control, body) => control.verifyEventUrl(requireString(body, 'appId')),
  'GET apps': (control) => control.apps,
  'GET users': (control) => control.users,
};

/**
 * `/__emulator/*`: the control API for out-of-process users. Answers `{code:400,msg}` for bad input
 * and `{code:404,msg}` for unknown actions.
 */
export async function handleControlRequest(
  control: EmulatorControl,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
): Promise<void> {
  const action = ACTIONS[`${request.method} ${path.slice(CONTROL_PREFIX.length)}`];
  const parsed = await readBody(request);
  if (!action) {
    sendJson(response, 404, {
      code: 404,
      msg: `unknown control action: ${request.method} ${path}`,
    });
    return;
  }
  if (parsed.kind !== 'ok') {
    sendJson(response, parsed.kind === 'too-large' ? 413 : 400, {
      code: 400,
      msg: 'the body must be a JSON object',
    });
    return;
  }
  try {
    sendJson(response, 200, await action(control, parsed.fields));
  } catch (error) {
    sendJson(response, 400, {
      code: 400,
      msg: error instanceof Error ? error.message : 'bad request',
    });
  }
}

function requireString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '')
    throw new TypeError(`${name} must be a non-empty string`);
  return value;
}
