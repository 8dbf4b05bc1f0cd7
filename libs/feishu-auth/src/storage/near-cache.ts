/** How long a record read from Redis may be served from process memory at most, whatever happens. */
export const DEFAULT_NEAR_CACHE_TTL_MS = 1000;
/** Records kept in process memory per store at most; the oldest goes first. */
export const DEFAULT_NEAR_CACHE_MAX_ENTRIES = 10_000;

/** @publicApi */
export interface NearCacheOptions {
  /**
   * How long a record may be served from process memory after it was read from Redis, even if no
   * invalidation came: the bound on how late any change (a logout, a rotation) can reach an
   * instance. Default 1000 ms.
   */
  ttlMs?: number;
  /** Records kept at most; the oldest goes first. Default 10 000. */
  maxEntries?: number;
}

interface Entry {
  value: object;
  expiresAt: number;
}

/**
 * Records read from a shared store, kept in process memory until the store says they changed
 * (`invalidate`), the TTL cap passes, or the cache is cleared. A read that was in flight when its
 * key was invalidated is not kept (its answer may predate the change): each read takes a ticket,
 * and only the key's latest ticket, still unrevoked when the answer comes, may fill the entry.
 * Callers get copies, so mutating one never changes what is kept. Internal.
 */
export class NearCache {
  private readonly entries = new Map<string, Entry>();
  private readonly tickets = new Map<string, number>();
  private lastTicket = 0;
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    options: NearCacheOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_NEAR_CACHE_TTL_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_NEAR_CACHE_MAX_ENTRIES;
  }

  get size(): number {
    return this.entries.size;
  }

  /** A copy of the kept record, or `undefined` when none is kept or its TTL cap passed. */
  get<T extends object>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return copyJson(entry.value) as T;
  }

  /** Starts a read of `key` from the store: the ticket `fill` needs. */
  ticket(key: string): number {
    const ticket = ++this.lastTicket;
    this.tickets.set(key, ticket);
    return ticket;
  }

  /**
   * Keeps what a read answered, if its ticket is still the key's latest and was not revoked.
   * Absent records are not kept. Returns what the caller may use (never the kept object itself).
   */
  fill<T extends object>(key: string, ticket: number, value: T | undefined): T | undefined {
    if (this.tickets.get(key) !== ticket) return value;
    this.tickets.delete(key);
    if (value === undefined) return undefined;
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    return copyJson(value) as T;
  }

  /** The key changed in the store: drops its record and revokes the read in flight, if any. */
  invalidate(key: string): void {
    this.entries.delete(key);
    this.tickets.delete(key);
  }

  /** Drops every record and revokes every read in flight. */
  clear(): void {
    this.entries.clear();
    this.tickets.clear();
  }
}

/** A deep copy of a value parsed from JSON (objects, arrays, strings, numbers, booleans, null). */
export function copyJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyJson);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    copy[key] = copyJson((value as Record<string, unknown>)[key]);
  return copy;
}
