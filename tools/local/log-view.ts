/**
 * What `npm start` shows of serverless-offline's output: one line per request and per outcome.
 * serverless-offline prints every route twice in a box, a line before and after each call and
 * one per idle scheduled run, and the functions write Lambda's JSON log lines; a person at a
 * terminal wants "12:01:07  GET /health  200". `HANDSHAKE_LOG=raw` shows everything as is.
 */
import { stripVTControlCharacters } from 'node:util';

/** serverless-offline's own lines that say nothing a person acts on. */
const OFFLINE_NOISE: readonly RegExp[] = [
  /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) \S+ \(λ: [\w-]+\)$/,
  /^\(λ: [\w-]+\) RequestId: /,
  /^[┌│└]/,
  /^Offline \[http for lambda\] listening/,
  /^Function names exposed for local invocation/,
  /^\s+\* [\w-]+: [\w-]+$/,
  /^Scheduling \[[\w-]+\] cron:/,
  /^Successfully invoked scheduled function:/,
  /^Server ready:/,
  /^Starting Offline at stage/,
];

/** Keys every Powertools log line carries, or that the line's head already shows. */
const SHOWN_OR_BOILERPLATE = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'correlationId',
  'xray_trace_id',
  'route',
  'status',
  'code',
  'error',
]);

/** Messages that only say a request ended: the route and the status say it all. */
const PLAIN_OUTCOMES = new Set(['request served', 'request refused', 'invoke', 'invoke refused']);

type LogLine = Record<string, unknown> & { level: string; message: string };

function parseLogLine(line: string): LogLine | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const record = parsed as Record<string, unknown>;
    if (typeof record.level !== 'string' || typeof record.message !== 'string') return undefined;
    return record as LogLine;
  } catch {
    return undefined;
  }
}

const clock = (timestamp: unknown): string => {
  const at = typeof timestamp === 'string' ? new Date(timestamp) : new Date();
  return Number.isNaN(at.getTime()) ? '--:--:--' : at.toTimeString().slice(0, 8);
};

function valueText(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** An error as Powertools writes it has a stack: the view shows its name and message only. */
function errorText(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return error === undefined ? undefined : valueText(error);
  const { name, message } = error as { name?: unknown; message?: unknown };
  return valueText([name, message].filter((part) => typeof part === 'string').join(': '));
}

function readableLogLine(log: LogLine): string | undefined {
  // An idle sweep is not an outcome.
  if (log.message === 'refresh sweep done' && log.due === 0) return undefined;
  const parts = [clock(log.timestamp)];
  if (log.level !== 'INFO') parts.push(log.level);
  if (typeof log.route === 'string') parts.push(log.route);
  if (log.status !== undefined) parts.push(String(log.status));
  if (typeof log.code === 'string') parts.push(log.code);
  if (!PLAIN_OUTCOMES.has(log.message) || typeof log.route !== 'string') parts.push(log.message);
  const error = errorText(log.error);
  if (error !== undefined) parts.push(`error=${error}`);
  for (const [key, value] of Object.entries(log)) {
    if (!SHOWN_OR_BOILERPLATE.has(key)) parts.push(`${key}=${valueText(value)}`);
  }
  return parts.join('  ');
}

/** The line as `npm start` shows it, or undefined to leave it out. */
export function readableLine(line: string): string | undefined {
  const trimmed = line.trimEnd();
  // serverless-offline colours its lines when the terminal can show colours.
  const plain = stripVTControlCharacters(trimmed);
  if (plain.trim() === '') return undefined;
  const log = parseLogLine(plain);
  if (log !== undefined) return readableLogLine(log);
  if (OFFLINE_NOISE.some((noise) => noise.test(plain))) return undefined;
  return trimmed;
}
