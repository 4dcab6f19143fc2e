import { TemplateSyntaxError } from './errors';

export type Punct = '.' | '(' | ')' | '+' | '||';

export type Token =
  | { readonly kind: 'string'; readonly value: string; readonly offset: number }
  | { readonly kind: 'ident'; readonly name: string; readonly offset: number }
  | { readonly kind: 'punct'; readonly value: Punct; readonly offset: number }
  /** The closing `%>`. */
  | { readonly kind: 'end'; readonly offset: number };

const IDENT = /[A-Za-z_$][\w$]*/y;
const SPACE = /[ \t\r\n]/;
const SINGLE_PUNCT: Readonly<Record<string, Punct>> = { '.': '.', '(': '(', ')': ')', '+': '+' };
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', "'": "'", '"': '"' };

export const describeToken = (token: Token): string => {
  switch (token.kind) {
    case 'string':
      return 'a string';
    case 'ident':
      return `"${token.name}"`;
    case 'punct':
      return `"${token.value}"`;
    case 'end':
      return '%>';
  }
};

function readString(source: string, start: number): { token: Token; next: number } {
  const quote = source[start];
  let value = '';
  let pos = start + 1;
  for (;;) {
    const char = source[pos];
    if (char === undefined) throw new TemplateSyntaxError('unterminated string', start);
    if (char === quote) return { token: { kind: 'string', value, offset: start }, next: pos + 1 };
    if (char === '\\') {
      const escaped = ESCAPES[source[pos + 1] ?? ''];
      if (escaped === undefined) {
        throw new TemplateSyntaxError(
          `unsupported escape "\\${source[pos + 1] ?? ''}" (only \\\\, \\' and \\")`,
          pos,
        );
      }
      value += escaped;
      pos += 2;
    } else {
      value += char;
      pos += 1;
    }
  }
}

function readToken(source: string, pos: number): { token: Token; next: number } {
  const char = source[pos] ?? '';
  if (char === '%' && source[pos + 1] === '>') return { token: { kind: 'end', offset: pos }, next: pos + 2 };
  if (char === "'" || char === '"') return readString(source, pos);
  if (char === '|' && source[pos + 1] === '|')
    return { token: { kind: 'punct', value: '||', offset: pos }, next: pos + 2 };
  const punct = SINGLE_PUNCT[char];
  if (punct !== undefined) return { token: { kind: 'punct', value: punct, offset: pos }, next: pos + 1 };
  IDENT.lastIndex = pos;
  const ident = IDENT.exec(source);
  if (ident !== null)
    return { token: { kind: 'ident', name: ident[0], offset: pos }, next: pos + ident[0].length };
  throw new TemplateSyntaxError(`unexpected character ${JSON.stringify(char)}`, pos);
}

/**
 * The tokens of one `<%= … %>` tag, from `start` (just after `<%=`) through its closing `%>`.
 * A `%>` inside a string literal does not close the tag.
 */
export function tokenize(
  source: string,
  start: number,
  tagOffset: number,
): { tokens: Token[]; next: number } {
  const tokens: Token[] = [];
  let pos = start;
  for (;;) {
    while (SPACE.test(source[pos] ?? '')) pos += 1;
    if (pos >= source.length) throw new TemplateSyntaxError('unclosed <%= (no %>)', tagOffset);
    const { token, next } = readToken(source, pos);
    tokens.push(token);
    pos = next;
    if (token.kind === 'end') return { tokens, next };
  }
}
