import autocannon from 'autocannon';

export interface LoadOptions {
  /** One URL, or several: connections are spread over them round-robin. */
  url: string | string[];
  cookie?: string;
  connections: number;
  durationSeconds: number;
  /** Called with the end time (epoch ms), the latency (ms) and the status of every answer. */
  onAnswer?: (endedAt: number, latencyMs: number, status: number) => void;
  /** Called with the body of every answer (slower: only where the answers are inspected). */
  onBody?: (body: string) => void;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx answers plus connection errors (timeouts included). */
  failed: number;
}

/** A closed-loop load of `connections` keep-alive clients for a fixed time, with autocannon. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        // autocannon 9 spreads connections over an array of URLs; its types still say string.
        url: options.url as string,
        connections: options.connections,
        duration: options.durationSeconds,
        headers: options.cookie ? { cookie: options.cookie } : {},
        requests: options.onBody
          ? [{ method: 'GET', onResponse: (_status, body) => options.onBody?.(body) }]
          : undefined,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  const onAnswer = options.onAnswer;
  if (onAnswer) {
    instance?.on('response', (_client, status, _bytes, latency) =>
      onAnswer(Date.now(), latency, status),
    );
  }
  const result = await finished;
  const failed = result.non2xx + result.errors; // errors include timeouts
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failed,
  };
}

/** The p-th percentile (0–100) of a list of numbers, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
