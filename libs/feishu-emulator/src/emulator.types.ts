import type { CodeChallengeMethod } from './state/authorization-codes.js';

/** @publicApi */
export interface IssueAuthorizationCodeInput {
  appId: string;
  openId: string;
  scopes?: string[];
  /** Omitted: a code with no bound redirect_uri (the in-app `requestAccess` flow). */
  redirectUri?: string;
  codeChallenge?: string;
  codeChallengeMethod?: CodeChallengeMethod;
}
