import { child, type ProblemSink, type Where } from '../problems';

/** Warns about keys FDK does not define where FDK itself tolerates them: they are ignored. */
export function warnUnknownKeys(
  value: unknown,
  known: readonly string[],
  where: Where,
  sink: ProblemSink,
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      sink.warning(child(where, key), `unknown key "${key}" is ignored`, known.join(', '));
  }
}
