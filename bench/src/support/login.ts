/** Cookies as a browser keeps them between redirects: name → value. */
function remember(jar: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const separator = pair.indexOf('=');
    const value = pair.slice(separator + 1);
    if (value === '' || /max-age=0/i.test(line)) jar.delete(pair.slice(0, separator));
    else jar.set(pair.slice(0, separator), value);
  }
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

async function redirectOf(response: Response, step: string): Promise<URL> {
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) {
    throw new Error(`${step} answered ${response.status}: ${await response.text()}`);
  }
  return new URL(location, response.url);
}

/**
 * A browser login on an instance-app: its login route, the emulator's authorize page approved at
 * once with `login_hint`, then the callback. Resolves to the `Cookie` header of the session.
 */
export async function loginSession(instanceUrl: string, openId: string): Promise<string> {
  const jar = new Map<string, string>();
  const start = await fetch(`${instanceUrl}/auth/feishu/login`, { redirect: 'manual' });
  remember(jar, start);
  const authorize = await redirectOf(start, 'login');
  authorize.searchParams.set('login_hint', openId);
  const approved = await redirectOf(
    await fetch(authorize, { redirect: 'manual' }),
    'emulator authorize',
  );
  const callback = await fetch(`${instanceUrl}/auth/feishu/callback${approved.search}`, {
    redirect: 'manual',
    headers: { cookie: cookieHeader(jar) },
  });
  remember(jar, callback);
  await redirectOf(callback, 'callback');
  return cookieHeader(jar);
}
