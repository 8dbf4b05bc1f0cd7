import type { InstanceApp } from './instances.js';

interface CpuUsageAnswer {
  userMicros: number;
  systemMicros: number;
}

/** The instance process's CPU time so far (user + system), in microseconds. */
export async function cpuMicros(instance: InstanceApp): Promise<number> {
  const answer = (await (await fetch(`${instance.url}/cpu-usage`)).json()) as CpuUsageAnswer;
  return answer.userMicros + answer.systemMicros;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1
    ? (sorted[Math.floor(middle)] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}
