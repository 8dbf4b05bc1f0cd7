import type { EmulatorApp, EmulatorUser } from '../emulator.options.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** A user offered on the consent page, with the open_id the app being authorized sees. */
export interface ConsentChoice {
  user: EmulatorUser;
  openId: string;
}

/**
 * The consent page: one radio per user (`data-testid="user-<open_id>"`, the open_id in the app
 * being authorized), approve and deny buttons. The form posts back to the authorize path carrying
 * the original query as hidden fields.
 */
export function renderConsentPage(
  action: string,
  app: EmulatorApp,
  choices: readonly ConsentChoice[],
  query: URLSearchParams,
  scopes: readonly string[],
): string {
  const hidden = [...query.entries()]
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('\n      ');
  const radios = choices
    .map(
      ({ user, openId }, index) => `<label class="user">
        <input type="radio" name="open_id" value="${escapeHtml(openId)}" data-testid="user-${escapeHtml(openId)}"${index === 0 ? ' checked' : ''}>
        <img src="${escapeHtml(user.avatarUrl)}" alt="" width="32" height="32">
        <span>${escapeHtml(user.name)} (${escapeHtml(user.enName)})</span>
        <small>${escapeHtml(user.tenantKey)}${user.status === 'active' ? '' : ` · ${escapeHtml(user.status)}`}</small>
      </label>`,
    )
    .join('\n      ');
  const scopeList = scopes.length
    ? `<ul data-testid="scopes">${scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('')}</ul>`
    : '<p>No extra permissions requested.</p>';
  return page(
    `Authorize ${app.name}`,
    `<h1>Sign in to <span data-testid="app-name">${escapeHtml(app.name)}</span></h1>
    <p>Feishu emulator — choose a user and approve.</p>
    <form method="post" action="${escapeHtml(action)}">
      ${hidden}
      <fieldset><legend>User</legend>
      ${radios}
      </fieldset>
      <h2>Requested permissions</h2>
      ${scopeList}
      <button type="submit" name="decision" value="approve" data-testid="approve">Authorize</button>
      <button type="submit" name="decision" value="deny" data-testid="deny">Deny</button>
    </form>`,
  );
}

/** An error shown on the page itself: Feishu does not redirect to an unverified redirect_uri. */
export function renderErrorPage(code: number, message: string): string {
  return page(
    'Authorization error',
    `<h1>Authorization failed</h1>
    <p data-testid="error" data-error-code="${code}">Error ${code}: ${escapeHtml(message)}</p>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${escapeHtml(title)}</title>
    <style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto}label.user{display:flex;gap:.5rem;align-items:center;margin:.25rem 0}button{margin:1rem .5rem 0 0;padding:.5rem 1rem}</style>
  </head>
  <body>
    ${body}
  </body>
</html>
`;
}
