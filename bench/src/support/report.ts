import { cpus, totalmem } from 'node:os';

/** One benchmark's part of docs/benchmarks.md. */
export interface Section {
  title: string;
  /** What was measured and how, in a few sentences. */
  method: string;
  table: { head: string[]; rows: (string | number)[][] };
  /** The goal (if the issue sets one) and whether this run met it. */
  verdict?: string;
}

export function machine(): string {
  const cores = cpus();
  return [
    `- CPU: ${cores[0]?.model ?? 'unknown'}, ${cores.length} cores`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node.js ${process.version} on ${process.platform}/${process.arch}`,
    `- Date: ${new Date().toISOString()}`,
  ].join('\n');
}

/** Fixed decimals for figures, `—` for what does not apply. */
export function fmt(value: number | undefined, digits = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function ratio(ours: number, anchor: number, digits = 2): string {
  return anchor > 0 && Number.isFinite(ours) ? `${fmt(ours / anchor, digits)}×` : '—';
}

function line(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function renderSection(section: Section): string {
  const { head, rows } = section.table;
  return [
    `## ${section.title}`,
    '',
    section.method,
    '',
    line(head),
    line(head.map(() => '---')),
    ...rows.map(line),
    '',
    ...(section.verdict ? [section.verdict, ''] : []),
  ].join('\n');
}
