import { eventually } from './polling.js';

describe('eventually', () => {
  it('should resolve once a condition holds', async () => {
    let polls = 0;

    await eventually(() => ++polls === 3, { intervalMs: 1 });

    expect(polls).toBe(3);
  });

  it('should retry a read that throws and resolve with its first answer, undefined included', async () => {
    let polls = 0;
    const read = async () => {
      if (++polls < 3) throw new Error('store reconnecting');
      return undefined;
    };

    await expect(eventually(read, { intervalMs: 1 })).resolves.toBeUndefined();
    expect(polls).toBe(3);
  });

  it('should name what it waited for when it times out', async () => {
    await expect(
      eventually(() => false, { what: 'the replica', timeoutMs: 1, intervalMs: 1 }),
    ).rejects.toThrow('timed out after 1 ms waiting for the replica');
  });

  it.each([
    [
      'a condition that never holds',
      () => false,
      /timed out after 30 ms waiting for the condition/,
    ],
    [
      'a read that keeps throwing',
      () => {
        throw new Error('still down');
      },
      /still down/,
    ],
  ])('should reject after the timeout for %s', async (_case, read, message) => {
    await expect(eventually(read, { timeoutMs: 30, intervalMs: 1 })).rejects.toThrow(message);
  });
});
