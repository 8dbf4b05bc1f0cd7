import request from 'supertest';
import type { RunningDemo } from '../apps/demo/src/demo.bootstrap.js';
import { startQuietDemo } from './support/demo.js';
import { calls } from './support/emulator-calls.js';

const ZHANG_SAN = 'ou_78aeb5207746c1ae408063a8c9741149';

/** The emulator's code for 张三, as the `/in-app` page gets it (standing in for `requestAccess`). */
async function simulatedCode(agent: ReturnType<typeof request.agent>): Promise<string> {
  const issued = await agent.post('/in-app/simulated-code').send({ openId: ZHANG_SAN }).expect(200);
  expect(issued.body.code).toMatch(/^[A-Za-z0-9_-]{64}$/);
  return issued.body.code as string;
}

describe('demo: login inside the Feishu client, simulated on the emulator (e2e)', () => {
  let demo: RunningDemo;
  const exchanges = () => calls(demo.emulator!, 'token.v2.authorization_code');

  beforeAll(async () => {
    demo = await startQuietDemo();
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('should link the in-app page from the signed-out home page', async () => {
    const home = await request(demo.url).get('/').expect(200);

    expect(home.text).toContain('data-testid="in-app-link" href="/in-app"');
  });

  it('should offer both in-app variants for every emulator user', async () => {
    const page = await request(demo.url).get('/in-app').expect(200).expect('Content-Type', /html/);

    for (const user of demo.emulator!.users) {
      expect(page.text).toContain(`data-testid="in-app-cookie-${user.openId}"`);
      expect(page.text).toContain(`data-testid="in-app-token-${user.openId}"`);
    }
    expect(page.text).toContain("postJson('/auth/feishu/code'");
  });

  it('should sign in with a simulated code and show the user on the home page', async () => {
    const agent = request.agent(demo.url);
    const code = await simulatedCode(agent);
    const before = exchanges();

    const signIn = await agent.post('/auth/feishu/code').send({ code }).expect(200);

    expect(signIn.body).toEqual({ name: '张三' });
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain('<h1 data-testid="user-name">张三</h1>');
    expect(exchanges()).toBe(before + 1);
  });

  it('should answer a session token that /api/me accepts as X-Feishu-Session', async () => {
    const agent = request.agent(demo.url);
    const code = await simulatedCode(agent);

    const signIn = await request(demo.url)
      .post('/auth/feishu/code')
      .send({ code, session: 'token' })
      .expect(200);
    const me = await request(demo.url)
      .get('/api/me')
      .set('X-Feishu-Session', signIn.body.sessionToken as string)
      .expect(200);

    expect(signIn.headers['set-cookie']).toBeUndefined();
    expect(me.body).toMatchObject({ openId: ZHANG_SAN, name: '张三' });
  });

  it('should refuse the same simulated code twice', async () => {
    const code = await simulatedCode(request.agent(demo.url));
    await request(demo.url).post('/auth/feishu/code').send({ code }).expect(200);

    const replay = await request(demo.url).post('/auth/feishu/code').send({ code }).expect(400);

    expect(replay.body.reason).toBe('code_invalid');
  });

  it.each([[{}], [{ openId: 'nobody' }], [{ openId: 'ou_not_an_emulator_user' }]])(
    'should refuse to simulate a code for %j',
    async (body) => {
      const response = await request(demo.url).post('/in-app/simulated-code').send(body);

      expect(response.status).toBe(400);
    },
  );
});
