import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import {
  clientAddress,
  isJsonRequest,
  passportExchange,
  redirect,
  requestCookie,
  requestPath,
  requestQuery,
  requestUrl,
  setResponseCookie,
  type FeishuHttpRequest,
} from './feishu-http.adapter.js';

function nodeResponse(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

function nodeRequest(url: string): IncomingMessage {
  const raw = new IncomingMessage(new Socket());
  raw.url = url;
  return raw;
}

describe('feishu HTTP platform adapter', () => {
  it.each<[string, FeishuHttpRequest, string, string]>([
    [
      'Express, mounted under a router',
      { headers: {}, url: '/callback?code=1', originalUrl: '/auth/feishu/callback?code=1' },
      '/auth/feishu/callback?code=1',
      '/auth/feishu/callback',
    ],
    [
      'Fastify',
      { headers: {}, url: '/auth/feishu/login', raw: nodeRequest('/auth/feishu/login') },
      '/auth/feishu/login',
      '/auth/feishu/login',
    ],
    ['a bare Node request', { headers: {}, url: '/me?x=1&y' }, '/me?x=1&y', '/me'],
  ])('should read the URL and path of %s', (_name, request, url, path) => {
    expect(requestUrl(request)).toBe(url);
    expect(requestPath(request)).toBe(path);
  });

  it.each<[string, FeishuHttpRequest, string]>([
    [
      "the platform's request.ip (after its proxy trust)",
      { headers: {}, url: '/', ip: '203.0.113.7', socket: { remoteAddress: '10.0.0.1' } },
      '203.0.113.7',
    ],
    [
      'the Express connection without ip',
      { headers: {}, url: '/', socket: { remoteAddress: '10.0.0.2' } },
      '10.0.0.2',
    ],
    ['nothing known', { headers: { 'x-forwarded-for': '198.51.100.1' }, url: '/' }, 'unknown'],
  ])('should read the client address from %s', (_name, request, address) => {
    expect(clientAddress(request)).toBe(address);
  });

  it.each<[unknown, Record<string, unknown>]>([
    [
      { code: 'abc', state: ['a', 'b'] },
      { code: 'abc', state: ['a', 'b'] },
    ],
    [undefined, {}],
    [null, {}],
    ['code=abc', {}],
  ])('should read the parsed query %p as %p', (query, expected) => {
    expect(requestQuery({ headers: {}, url: '/', query })).toEqual(expected);
  });

  it.each<[string | undefined, boolean]>([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['Application/JSON', true],
    ['text/plain', false],
    ['application/x-www-form-urlencoded', false],
    ['application/json-seq', false],
    [undefined, false],
  ])('should see a body of type %p as JSON: %p', (type, json) => {
    const headers = type === undefined ? {} : { 'content-type': type };
    expect(isJsonRequest({ headers, url: '/' })).toBe(json);
  });

  it('should read one cookie from the Cookie header without a cookie plugin', () => {
    const request = { headers: { cookie: 'a=1; feishu_session=s%3Aabc.def; b=2' }, url: '/' };
    expect(requestCookie(request, 'feishu_session')).toBe('s:abc.def');
    expect(requestCookie({ headers: {}, url: '/' }, 'feishu_session')).toBeUndefined();
  });

  it('should replace a Set-Cookie of the same name on a Node response and keep the others', () => {
    const response = nodeResponse();
    response.setHeader('Set-Cookie', 'other=1');
    setResponseCookie(response, 'feishu_session', 'feishu_session=first');
    setResponseCookie(response, 'feishu_session', 'feishu_session=second');
    expect(response.getHeader('set-cookie')).toEqual(['other=1', 'feishu_session=second']);
  });

  it('should redirect a Node response with the status and location', () => {
    const response = nodeResponse();
    redirect(response, 302, '/login-failed?error=consent_denied');
    expect(response.statusCode).toBe(302);
    expect(response.getHeader('location')).toBe('/login-failed?error=consent_denied');
  });

  it('should give Passport the parsed query over the Node response of a Fastify reply', () => {
    const raw = nodeResponse();
    const reply = {
      raw,
      getHeader: () => undefined,
      header: () => reply,
      removeHeader: () => reply,
      redirect: () => reply,
    };
    const request = {
      headers: { cookie: 'a=1' },
      url: '/auth/feishu/callback?code=c',
      raw: nodeRequest('/auth/feishu/callback?code=c'),
      query: { code: 'c' },
    };
    const exchange = passportExchange(request, reply);
    expect(exchange.response).toBe(raw);
    expect(exchange.request).toMatchObject({ query: { code: 'c' }, headers: request.headers });
    expect(exchange.request.res).toBe(raw);
  });
});
