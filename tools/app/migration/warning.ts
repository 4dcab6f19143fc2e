import type { Problem } from '../problems';

/** A migration finding: never an error, as the app is valid and only behaves differently. */
export const offPlatform = (
  file: string,
  line: number,
  path: string,
  message: string,
  allowed: string,
): Problem => ({ severity: 'warning', file, line, path, message, allowed });

const MAX_LISTED = 10;

/** Names for a message, the first ten. */
export const listed = (names: readonly string[]): string =>
  names.length > MAX_LISTED ? `${names.slice(0, MAX_LISTED).join(', ')}, …` : names.join(', ');
