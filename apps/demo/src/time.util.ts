/** "14:03:07 (in 1 min 52 s)": an absolute time a person can compare with `/status`, and how far. */
export function describeExpiry(epochMs: number | undefined, now: number): string {
  if (epochMs === undefined) {
    return '—';
  }
  const clock = new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  const seconds = Math.round((epochMs - now) / 1000);
  return seconds >= 0
    ? `${clock} (in ${formatSeconds(seconds)})`
    : `${clock} (${formatSeconds(-seconds)} ago)`;
}

function formatSeconds(total: number): string {
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) {
    return `${days} d ${hours} h`;
  }
  if (hours > 0) {
    return `${hours} h ${minutes} min`;
  }
  return minutes > 0 ? `${minutes} min ${seconds} s` : `${seconds} s`;
}
