/** Calls per endpoint key (e.g. `token.v2.refresh_token`), failures and faults included. */
export class EmulatorStats {
  private readonly counts = new Map<string, number>();

  increment(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.counts.clear();
  }
}
