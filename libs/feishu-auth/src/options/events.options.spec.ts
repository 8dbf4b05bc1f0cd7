import { describe, expect, it } from '@jest/globals';
import { FeishuConfigError } from '../feishu-auth.errors.js';
import { assertEventsAuthenticated, resolveEvents } from './events.options.js';

describe('event options', () => {
  it.each([
    ['events.encryptKey', { encryptKey: '' }],
    ['events.verificationToken', { verificationToken: 42 as unknown as string }],
  ])('should reject a bad %s with one message naming it', (name, events) => {
    const resolve = () => resolveEvents(events);

    expect(resolve).toThrow(FeishuConfigError);
    expect(resolve).toThrow(`FeishuAuthModule: "${name}" must be a non-empty string`);
  });

  it.each([
    ['no events option', undefined],
    ['empty events', {}],
  ])('should refuse to receive events with %s, naming both events options', (_case, given) => {
    const assert = () => assertEventsAuthenticated({ events: resolveEvents(given) }, 'eventsPath');

    expect(assert).toThrow(FeishuConfigError);
    expect(assert).toThrow(/^FeishuAuthModule: eventsPath receives Feishu events/);
    expect(assert).toThrow(/"events.verificationToken" or "events.encryptKey"/);
  });

  it.each([
    ['a verification token', { verificationToken: 'vt-secret-value' }],
    ['an encrypt key', { encryptKey: 'ek-secret-value' }],
  ])('should receive events that carry %s', (_case, events) => {
    expect(() =>
      assertEventsAuthenticated({ events: resolveEvents(events) }, 'eventsPath'),
    ).not.toThrow();
  });
});
