import type { INestApplication } from '@nestjs/common';

/** What a flood of requests got back: how many answers of each status. */
export type StatusCounts = Record<number, number>;

/**
 * Sends `count` requests to `path` of a listening app from `concurrency` parallel clients that keep
 * no cookies (a script, not a browser), and counts the answers by status.
 */
export async function flood(
  app: INestApplication,
  path: string,
  count: number,
  init: RequestInit = {},
  concurrency = 32,
): Promise<StatusCounts> {
  const url = new URL(path, await app.getUrl()).toString().replace('[::1]', '127.0.0.1');
  const counts: StatusCounts = {};
  let sent = 0;
  const client = async (): Promise<void> => {
    while (sent < count) {
      sent += 1;
      const response = await fetch(url, { redirect: 'manual', ...init });
      await response.arrayBuffer();
      counts[response.status] = (counts[response.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return counts;
}
