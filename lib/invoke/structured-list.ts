/*
 * An RFC 8941 (Structured Field Values) List, parsed as section 4.2 says, for the IETF
 * `RateLimit` field (draft-ietf-httpapi-ratelimit-headers, `"default";r=0;t=30`). Small on
 * purpose — it runs in every invoke bundle — and strict as the RFC is: any fault fails the
 * whole field (undefined), which the caller then ignores. Byte sequences, dates and display
 * strings are checked for shape but not decoded: no RateLimit parameter is one.
 */

export type BareItem = number | string | boolean;

export interface ListMember {
  /** An item's value; an inner list's items. A token and a string are both strings here. */
  readonly value: BareItem | readonly BareItem[];
  readonly params: ReadonlyMap<string, BareItem>;
}

const KEY = /^[a-z*][a-z0-9_\-.*]*/;
const TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/;
const NUMBER = /^-?\d{1,15}(\.\d{1,3})?/;
const BYTES = /^:[A-Za-z0-9+/=]*:/;

class Reader {
  constructor(
    private text: string,
    private at = 0,
  ) {}

  get done() {
    return this.at >= this.text.length;
  }
  peek() {
    return this.text[this.at];
  }
  skip(spaces: RegExp) {
    while (!this.done && spaces.test(this.peek() as string)) this.at++;
  }
  take(char: string) {
    if (this.peek() !== char) return false;
    this.at++;
    return true;
  }
  match(pattern: RegExp): string | undefined {
    const found = pattern.exec(this.text.slice(this.at))?.[0];
    if (found !== undefined) this.at += found.length;
    return found;
  }
  fail(): never {
    throw new SyntaxError('not an RFC 8941 List');
  }
}

function quoted(reader: Reader): string {
  let value = '';
  for (;;) {
    const char = reader.peek();
    if (char === undefined) reader.fail();
    reader.take(char);
    if (char === '"') return value;
    if (char === '\\') {
      const next = reader.peek();
      if (next !== '"' && next !== '\\') reader.fail();
      reader.take(next);
      value += next;
    } else if (char < ' ' || char > '~') reader.fail();
    else value += char;
  }
}

function bareItem(reader: Reader): BareItem {
  const first = reader.peek();
  if (first === '"' && reader.take('"')) return quoted(reader);
  if (first === '?' && reader.take('?')) {
    const bit = reader.match(/^[01]/);
    return bit === undefined ? reader.fail() : bit === '1';
  }
  // A date (RFC 9651): an integer of epoch seconds.
  if (first === '@' && reader.take('@')) return Number(reader.match(/^-?\d{1,15}(?![.\d])/) ?? reader.fail());
  const number = reader.match(NUMBER);
  if (number !== undefined) return Number(number);
  const text = reader.match(TOKEN) ?? reader.match(BYTES);
  return text ?? reader.fail();
}

function params(reader: Reader): Map<string, BareItem> {
  const found = new Map<string, BareItem>();
  while (reader.take(';')) {
    reader.skip(/ /);
    const key = reader.match(KEY) ?? reader.fail();
    found.set(key, reader.take('=') ? bareItem(reader) : true);
  }
  return found;
}

function member(reader: Reader): ListMember {
  if (!reader.take('(')) return { value: bareItem(reader), params: params(reader) };
  const items: BareItem[] = [];
  for (;;) {
    reader.skip(/ /);
    if (reader.take(')')) return { value: items, params: params(reader) };
    items.push(bareItem(reader));
    params(reader);
    if (reader.peek() !== ' ' && reader.peek() !== ')') reader.fail();
  }
}

/** The members of a List field's value, or undefined when it does not parse. */
export function parseList(field: string | undefined): ListMember[] | undefined {
  if (field === undefined) return undefined;
  const reader = new Reader(field.replace(/^ +| +$/g, ''));
  const members: ListMember[] = [];
  try {
    while (!reader.done) {
      members.push(member(reader));
      reader.skip(/[ \t]/);
      if (reader.done) break;
      if (!reader.take(',')) reader.fail();
      reader.skip(/[ \t]/);
      if (reader.done) reader.fail();
    }
  } catch {
    // Only the reader throws here: a fault anywhere fails the whole field.
    return undefined;
  }
  return members;
}
