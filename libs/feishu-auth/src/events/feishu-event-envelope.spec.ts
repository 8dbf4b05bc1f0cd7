import {
  EVENT_MAX_CLOCK_SKEW_MS,
  type FeishuEventEnvelope,
  eventCreatedAt,
  eventIdOf,
  isWithinClockSkew,
  requestTimestampMs,
} from './feishu-event-envelope.js';

const v2 = (header: Record<string, unknown>): FeishuEventEnvelope => ({ schema: '2.0', header });

describe('eventIdOf', () => {
  it.each([
    ['a v1 uuid', { uuid: 'bc447199585340d1f3728d26b1c0297a' }, 'bc447199585340d1f3728d26b1c0297a'],
    [
      'a v2 event_id',
      v2({ event_id: '5e3702a84e847582be8db7fb73283c02' }),
      '5e3702a84e847582be8db7fb73283c02',
    ],
    ['a v1 envelope without uuid', { type: 'event_callback' }, undefined],
    ['a v2 header without event_id', v2({}), undefined],
    ['a v2 event that also carries a uuid', { ...v2({}), uuid: 'abc' }, undefined],
    ['a number', { uuid: 42 }, undefined],
    ['an id with a line break', { uuid: 'abc\nforged' }, undefined],
    ['an id of 129 characters', { uuid: 'a'.repeat(129) }, undefined],
  ])('should read %s', (_label, envelope, id) => {
    expect(eventIdOf(envelope as FeishuEventEnvelope)).toBe(id);
  });
});

describe('eventCreatedAt', () => {
  it.each([
    ['v1 ts with a fraction', { ts: '1502199207.7171419' }, 1502199207717],
    ['v1 ts in whole seconds', { ts: '1700000000' }, 1700000000000],
    ['v2 create_time in ms', v2({ create_time: '1608725989000' }), 1608725989000],
    ['v2 create_time as a number', v2({ create_time: 1608725989000 }), 1608725989000],
    ['v1 ts that is not a number', { ts: 'yesterday' }, undefined],
    ['v1 ts with an exponent', { ts: '1e12' }, undefined],
    ['v1 without ts', {}, undefined],
    ['v2 create_time negative', v2({ create_time: '-1' }), undefined],
    ['v2 without create_time', v2({}), undefined],
  ])('should read %s', (_label, envelope, at) => {
    expect(eventCreatedAt(envelope as FeishuEventEnvelope)).toBe(at);
  });
});

describe('requestTimestampMs', () => {
  it.each([
    ['1700000000', 1700000000000],
    ['0', 0],
    ['1700000000.5', undefined],
    ['-5', undefined],
    ['', undefined],
    ['1'.repeat(13), undefined],
    [' 1700000000', undefined],
  ])('should read %j', (header, ms) => {
    expect(requestTimestampMs(header)).toBe(ms);
  });
});

describe('isWithinClockSkew', () => {
  const now = 1_700_000_000_000;
  it.each([
    ['now', now, true],
    ['exactly the skew ago', now - EVENT_MAX_CLOCK_SKEW_MS, true],
    ['exactly the skew ahead', now + EVENT_MAX_CLOCK_SKEW_MS, true],
    ['one ms more than the skew ago', now - EVENT_MAX_CLOCK_SKEW_MS - 1, false],
    ['one ms more than the skew ahead', now + EVENT_MAX_CLOCK_SKEW_MS + 1, false],
  ])('should judge a time %s', (_label, time, within) => {
    expect(isWithinClockSkew(time, now)).toBe(within);
  });
});
