/** The emulator's notion of "now"; every expiry is measured against it so tests can move time. */
export class EmulatorClock {
  constructor(private readonly source: () => number) {}

  now(): number {
    return this.source();
  }

  nowSeconds(): number {
    return Math.floor(this.source() / 1000);
  }
}
