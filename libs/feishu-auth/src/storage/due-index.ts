interface HeapEntry {
  member: string;
  dueAt: number;
  /** Distinguishes this scheduling of `member` from earlier ones still lying in the heap. */
  seq: number;
}

interface Scheduled {
  dueAt: number;
  seq: number;
}

/** Once stale heap entries outnumber live ones by this factor (and this floor), the heap is rebuilt. */
const COMPACT_FACTOR = 2;
const COMPACT_FLOOR = 1024;

/**
 * The in-memory due index: which member is due at what time, read earliest first.
 *
 * A binary min-heap ordered by `dueAt`, with lazy deletion: rescheduling or unscheduling a member
 * only updates `scheduled` (the truth) and leaves the old heap entry behind, to be discarded when it
 * reaches the top. `due()` therefore pops only the entries it returns plus the stale ones it meets,
 * and pushes the returned ones back (they stay indexed): O((k + s) log n) for k returned and s
 * stale, never a walk over everything scheduled. The heap is rebuilt when stale entries pile up,
 * which keeps memory proportional to the live members.
 */
export class DueIndex {
  private readonly heap: HeapEntry[] = [];
  private readonly scheduled = new Map<string, Scheduled>();
  private nextSeq = 0;

  get size(): number {
    return this.scheduled.size;
  }

  /** Heap entries, stale ones included: what the index really holds in memory. */
  get heapLength(): number {
    return this.heap.length;
  }

  schedule(member: string, dueAt: number): void {
    const current = this.scheduled.get(member);
    if (current?.dueAt === dueAt) return;
    const entry: HeapEntry = { member, dueAt, seq: this.nextSeq++ };
    this.scheduled.set(member, { dueAt, seq: entry.seq });
    this.push(entry);
    this.compactIfMostlyStale();
  }

  unschedule(member: string): void {
    if (this.scheduled.delete(member)) this.compactIfMostlyStale();
  }

  /** Up to `limit` members due at or before `now`, earliest first; they stay scheduled. */
  due(now: number, limit: number): string[] {
    const taken: HeapEntry[] = [];
    while (taken.length < limit && this.heap.length > 0 && this.heap[0]!.dueAt <= now) {
      const entry = this.pop()!;
      if (this.isLive(entry)) taken.push(entry);
    }
    for (const entry of taken) this.push(entry);
    return taken.map((entry) => entry.member);
  }

  clear(): void {
    this.heap.length = 0;
    this.scheduled.clear();
  }

  private isLive(entry: HeapEntry): boolean {
    return this.scheduled.get(entry.member)?.seq === entry.seq;
  }

  private compactIfMostlyStale(): void {
    const stale = this.heap.length - this.scheduled.size;
    if (stale <= COMPACT_FLOOR || stale <= this.scheduled.size * COMPACT_FACTOR) return;
    this.heap.length = 0;
    for (const [member, { dueAt, seq }] of this.scheduled) this.heap.push({ member, dueAt, seq });
    for (let index = (this.heap.length >> 1) - 1; index >= 0; index--) this.siftDown(index);
  }

  private push(entry: HeapEntry): void {
    this.heap.push(entry);
    this.siftUp(this.heap.length - 1);
  }

  private pop(): HeapEntry | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (this.heap.length > 0 && last) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    const entry = heap[index]!;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!precedes(entry, heap[parent]!)) break;
      heap[index] = heap[parent]!;
      index = parent;
    }
    heap[index] = entry;
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    const entry = heap[index]!;
    const half = heap.length >> 1;
    while (index < half) {
      let child = 2 * index + 1;
      const right = child + 1;
      if (right < heap.length && precedes(heap[right]!, heap[child]!)) child = right;
      if (!precedes(heap[child]!, entry)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = entry;
  }
}

/** Earlier `dueAt` first; ties in scheduling order, so the order is deterministic. */
function precedes(a: HeapEntry, b: HeapEntry): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
}
