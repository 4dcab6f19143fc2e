import type { AppFileName } from './files';
import type { ProblemSink } from './problems';

/** Where a JSON text first goes wrong; V8's own messages differ between Node versions and omit positions. */
export interface JsonSyntaxIssue {
  readonly offset: number;
  readonly reason: string;
}

class JsonFailure extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** A strict JSON scanner that only locates the first syntax error. */
class Scanner {
  private pos = 0;

  constructor(private readonly text: string) {}

  run(): void {
    this.value(0);
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected content after the JSON value');
  }

  private fail(reason: string): never {
    throw new JsonFailure(this.pos, reason);
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private skipSpace(): void {
    while (/[ \t\n\r]/.test(this.peek() ?? '')) this.pos += 1;
  }

  private unexpected(): never {
    const char = this.peek();
    if (char === undefined) this.fail('unexpected end of file');
    this.fail(`unexpected character ${JSON.stringify(char)}`);
  }

  private value(depth: number): void {
    if (depth > MAX_DEPTH) this.fail('nested too deeply');
    this.skipSpace();
    const char = this.peek();
    if (char === '{') this.object(depth);
    else if (char === '[') this.array(depth);
    else if (char === '"') this.string();
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) this.number();
    else if (char === 't') this.word('true');
    else if (char === 'f') this.word('false');
    else if (char === 'n') this.word('null');
    else this.unexpected();
  }

  private object(depth: number): void {
    this.pos += 1;
    this.skipSpace();
    if (this.peek() === '}') {
      this.pos += 1;
      return;
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== '"') this.fail('expected a property name in double quotes');
      this.string();
      this.skipSpace();
      if (this.peek() !== ':') this.fail("expected ':' after the property name");
      this.pos += 1;
      this.value(depth + 1);
      this.skipSpace();
      if (this.peek() === '}') break;
      if (this.peek() !== ',') this.fail("expected ',' or '}'");
      this.pos += 1;
      this.skipSpace();
      if (this.peek() === '}') this.fail("trailing comma before '}'");
    }
    this.pos += 1;
  }

  private array(depth: number): void {
    this.pos += 1;
    this.skipSpace();
    if (this.peek() === ']') {
      this.pos += 1;
      return;
    }
    for (;;) {
      this.value(depth + 1);
      this.skipSpace();
      if (this.peek() === ']') break;
      if (this.peek() !== ',') this.fail("expected ',' or ']'");
      this.pos += 1;
      this.skipSpace();
      if (this.peek() === ']') this.fail("trailing comma before ']'");
    }
    this.pos += 1;
  }

  private string(): void {
    this.pos += 1;
    for (;;) {
      const char = this.peek();
      if (char === undefined) this.fail('unterminated string');
      if (char === '"') break;
      if (char < ' ') this.fail('control character in a string');
      if (char === '\\') this.escape();
      else this.pos += 1;
    }
    this.pos += 1;
  }

  private escape(): void {
    const next = this.text[this.pos + 1];
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) {
      this.pos += 6;
    } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
      this.pos += 2;
    } else {
      this.fail('invalid escape in a string');
    }
  }

  private number(): void {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail('invalid number');
    this.pos += match[0].length;
  }

  private word(word: string): void {
    if (!this.text.startsWith(word, this.pos)) this.unexpected();
    this.pos += word.length;
  }
}

/** The first syntax error of `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxIssue(text: string): JsonSyntaxIssue | undefined {
  try {
    new Scanner(text).run();
    return undefined;
  } catch (error: unknown) {
    if (error instanceof JsonFailure) return { offset: error.offset, reason: error.reason };
    throw error;
  }
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** Parses one app file, reporting a syntax error with its line and column; undefined when it is not JSON. */
export function parseJsonFile(
  file: AppFileName,
  raw: string,
  sink: ProblemSink,
): { readonly value: unknown } | undefined {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  const where = { file, path: '$' };
  const allowed = 'a JSON document (no comments, no trailing commas)';
  if (text.trim() === '') {
    sink.error(where, 'the file is empty', allowed);
    return undefined;
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error: unknown) {
    const issue = findJsonSyntaxIssue(text) ?? {
      offset: 0,
      reason: error instanceof Error ? error.message : 'invalid JSON',
    };
    const { line, column } = lineColumn(text, issue.offset);
    sink.error(where, `invalid JSON at line ${line}, column ${column}: ${issue.reason}`, allowed);
    return undefined;
  }
}
