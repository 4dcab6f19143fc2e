import { lineColumn } from '../json';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The 1-based line of the member reached by `keys` in a JSON text, each key looked for after the
 * previous one; the line of the last key found (1 when none is). A warning only needs to point
 * the reader at the place, so a locator this small beats a second JSON parser.
 */
export function lineOfKeys(text: string, keys: readonly string[]): number {
  let offset = 0;
  let found: number | undefined;
  for (const key of keys) {
    const pattern = new RegExp(`${escapeRegExp(JSON.stringify(key))}\\s*:`, 'g');
    pattern.lastIndex = offset;
    const match = pattern.exec(text);
    if (match === null) break;
    found = match.index;
    offset = match.index + match[0].length;
  }
  return found === undefined ? 1 : lineColumn(text, found).line;
}

/** The 1-based line of a character offset. */
export const lineAt = (text: string, offset: number): number => lineColumn(text, offset).line;
