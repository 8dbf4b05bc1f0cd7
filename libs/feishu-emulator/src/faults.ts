/**
 * A fault served instead of (or before) the normal answer. `endpoint` is a stats key
 * (`token.v2.refresh_token`, or a prefix of one such as `token.v2`) or a path prefix
 * (`/open-apis/auth/v3`); omitted, it matches any endpoint.
 * @publicApi
 */
export interface EmulatorFault {
  endpoint?: string;
  status?: number;
  code?: number;
  msg?: string;
  delayMs?: number;
  /** Answer with a truncated JSON body. */
  malformedBody?: boolean;
  /** Destroy the socket without answering. */
  resetConnection?: boolean;
  /** How many matching calls the fault applies to (default 1). */
  times?: number;
}

interface ArmedFault {
  fault: EmulatorFault;
  remaining: number;
}

/** Faults armed by `failNext`, consumed in the order they were armed. */
export class FaultQueue {
  private armed: ArmedFault[] = [];

  add(fault: EmulatorFault): void {
    validateFault(fault);
    this.armed.push({ fault: { ...fault }, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.armed = [];
  }

  /** The first fault matching this call, with one of its uses spent. */
  take(statsKey: string, path: string): EmulatorFault | undefined {
    const index = this.armed.findIndex((entry) => matches(entry.fault.endpoint, statsKey, path));
    if (index < 0) return undefined;
    const entry = this.armed[index];
    entry.remaining--;
    if (entry.remaining <= 0) this.armed.splice(index, 1);
    return entry.fault;
  }
}

function matches(endpoint: string | undefined, statsKey: string, path: string): boolean {
  if (endpoint === undefined || endpoint === '' || endpoint === '*') return true;
  if (endpoint.startsWith('/')) return path.startsWith(endpoint);
  return statsKey === endpoint || statsKey.startsWith(`${endpoint}.`);
}

function validateFault(fault: EmulatorFault): void {
  if (fault === null || typeof fault !== 'object') throw new TypeError('a fault must be an object');
  const numeric: Array<keyof EmulatorFault> = ['status', 'code', 'delayMs', 'times'];
  for (const name of numeric) {
    const value = fault[name];
    if (
      value !== undefined &&
      (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    ) {
      throw new TypeError(`fault.${name} must be a non-negative number`);
    }
  }
  if (fault.status !== undefined && (fault.status < 100 || fault.status > 599)) {
    throw new TypeError('fault.status must be an HTTP status (100-599)');
  }
  if (fault.endpoint !== undefined && typeof fault.endpoint !== 'string') {
    throw new TypeError('fault.endpoint must be a string');
  }
}
