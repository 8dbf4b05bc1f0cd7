/**
 * What the kit needs of an HTTP test agent: a supertest agent (`request.agent(app.getHttpServer())`)
 * fits, and so does anything else with the same shape. Typed structurally, so supertest stays an
 * optional peer dependency.
 */

/** @publicApi */
export interface TestAgentResponse {
  status: number;
  headers: Record<string, unknown>;
  body?: unknown;
  text?: string;
}

/** @publicApi */
export interface TestAgentRequest extends PromiseLike<TestAgentResponse> {
  set(field: string, value: string): TestAgentRequest;
  send(body: object): TestAgentRequest;
}

/**
 * An agent that keeps the cookies the app sets and sends them back, as a browser does. It must
 * not follow redirects (supertest does not).
 * @publicApi
 */
export interface TestAgent {
  get(url: string): TestAgentRequest;
  post(url: string): TestAgentRequest;
}
