import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { TokenStatusTracker } from './token-status.tracker.js';

describe('TokenStatusTracker', () => {
  it('should log a tenant key given by the app quoted and cut short, so it cannot forge a log line', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      const tracker = new TokenStatusTracker({ clock: () => 0 } as ResolvedFeishuAuthOptions);
      const tenantKey = `tk\nERROR forged line ${'x'.repeat(200)}`;

      tracker.failed('tenant', tenantKey, new Error('down'), false);
      tracker.refreshed('tenant', tenantKey, 1, false);

      const logged = [...warn.mock.calls, ...log.mock.calls].map((call) => String(call[0]));
      expect(logged).toHaveLength(2);
      for (const line of logged) {
        expect(line).toContain('"tk\\nERROR forged line');
        expect(line).not.toContain('\n');
        expect(line).not.toContain('x'.repeat(100));
      }
    } finally {
      warn.mockRestore();
      log.mockRestore();
    }
  });
});
