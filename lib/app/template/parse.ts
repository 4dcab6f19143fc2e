import { type Expr, isRoot, type Segment, type Template } from './ast';
import { TemplateSyntaxError } from './errors';
import { describeToken, type Punct, type Token, tokenize } from './lexer';

const MAX_NESTING = 32;

class ExprParser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  /** The whole tag: one expression, then `%>`. */
  parseTag(tagOffset: number): Expr {
    if (this.peek().kind === 'end') throw new TemplateSyntaxError('empty expression', tagOffset);
    const expr = this.or();
    const last = this.peek();
    if (last.kind !== 'end') this.unexpected(last);
    return expr;
  }

  private peek(): Token {
    const token = this.tokens[this.index] ?? this.tokens[this.tokens.length - 1];
    if (token === undefined) throw new TemplateSyntaxError('empty expression', 0);
    return token;
  }

  private take(): Token {
    const token = this.peek();
    this.index += 1;
    return token;
  }

  private isPunct(value: Punct): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.value === value;
  }

  private expect(value: Punct): void {
    if (!this.isPunct(value)) this.unexpected(this.peek(), `expected "${value}", found`);
    this.index += 1;
  }

  private unexpected(token: Token, prefix = 'unexpected'): never {
    throw new TemplateSyntaxError(`${prefix} ${describeToken(token)}`, token.offset);
  }

  private or(): Expr {
    const options = [this.concat()];
    while (this.isPunct('||')) {
      this.index += 1;
      options.push(this.concat());
    }
    return options.length === 1 && options[0] !== undefined ? options[0] : { kind: 'or', options };
  }

  private concat(): Expr {
    const parts = [this.primary()];
    while (this.isPunct('+')) {
      this.index += 1;
      parts.push(this.primary());
    }
    return parts.length === 1 && parts[0] !== undefined ? parts[0] : { kind: 'concat', parts };
  }

  private primary(): Expr {
    const token = this.take();
    if (token.kind === 'string') return { kind: 'string', value: token.value };
    if (token.kind === 'ident') return this.named(token.name, token.offset);
    if (token.kind === 'punct' && token.value === '(') return this.nested(token.offset, () => this.group());
    return this.unexpected(token);
  }

  private group(): Expr {
    const inner = this.or();
    this.expect(')');
    return inner;
  }

  private nested(offset: number, parse: () => Expr): Expr {
    this.depth += 1;
    if (this.depth > MAX_NESTING) throw new TemplateSyntaxError('expression nested too deeply', offset);
    const expr = parse();
    this.depth -= 1;
    return expr;
  }

  private named(name: string, offset: number): Expr {
    if (name === 'encode') {
      if (!this.isPunct('(')) throw new TemplateSyntaxError('encode must be called as encode(…)', offset);
      this.index += 1;
      return this.nested(offset, () => ({ kind: 'encode', arg: this.group() }));
    }
    if (!isRoot(name)) throw new TemplateSyntaxError(`unknown name "${name}"`, offset);
    const path: string[] = [];
    while (this.isPunct('.')) {
      this.index += 1;
      const next = this.take();
      if (next.kind !== 'ident') this.unexpected(next, 'expected a name after ".", found');
      path.push(next.name);
    }
    return { kind: 'name', root: name, path };
  }
}

/** Why a `<%` that is not `<%=` is refused: EJS scriptlets would run code. */
function refuseTag(source: string, offset: number): never {
  const marker = source[offset + 2];
  if (marker === '-') throw new TemplateSyntaxError('<%- (unescaped output) is not supported', offset);
  if (marker === '%') throw new TemplateSyntaxError('<%% is not supported', offset);
  throw new TemplateSyntaxError('<% … %> scriptlets are not supported', offset);
}

/**
 * Parses a template string. Text outside `<%= %>` is literal; each tag holds one expression of
 * the safe language (see ALLOWED_EXPRESSIONS). Throws TemplateSyntaxError with the offset.
 */
export function parseTemplate(source: string): Template {
  const segments: Segment[] = [];
  let pos = 0;
  while (pos < source.length) {
    const tag = source.indexOf('<%', pos);
    const textEnd = tag === -1 ? source.length : tag;
    if (textEnd > pos) segments.push({ kind: 'text', text: source.slice(pos, textEnd) });
    if (tag === -1) break;
    if (source[tag + 2] !== '=') refuseTag(source, tag);
    const { tokens, next } = tokenize(source, tag + 3, tag);
    segments.push({ kind: 'expr', expr: new ExprParser(tokens).parseTag(tag), offset: tag });
    pos = next;
  }
  return { source, segments };
}

/** A template that is plain text (no tags). */
export const isStatic = (template: Template): boolean => template.segments.every((s) => s.kind === 'text');
