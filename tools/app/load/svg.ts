/*
 * An SVG logo's checks. The connect page shows the logo as an <img> (where a browser runs no
 * script and loads nothing), but the file is also opened elsewhere — an editor, a browser tab,
 * whoever reviews the app — so it must be harmless on its own: well-formed XML with an <svg>
 * root, no DOCTYPE (entities), no script, no event handlers, no <foreignObject> (HTML inside) and
 * no reference to anything outside itself. A small reader of its own: the checks need elements and
 * attributes only, and no XML parser is a dependency of the project.
 */

const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';
/** HTML inside an SVG (an iframe, an embed) needs no <foreignObject> when its namespace is declared. */
const HTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';
const NAME = /^[A-Za-z_:][\w.:-]*/;
const REFERENCE = /^&(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;
/** `url(…)` in a style or presentation attribute that is not a fragment of the file itself. */
const OUTSIDE_URL = /url\(\s*(?!['"]?\s*#)/i;

class NotWellFormed extends Error {}

interface Element {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
}

/** The local part of a qualified name, lower-case: `xlink:href` → `href`, `onLoad` → `onload`. */
const local = (name: string): string => (name.slice(name.indexOf(':') + 1) || name).toLowerCase();

function checkReferences(text: string, what: string): void {
  for (let at = text.indexOf('&'); at !== -1; at = text.indexOf('&', at + 1)) {
    if (!REFERENCE.test(text.slice(at)))
      throw new NotWellFormed(`has an & in ${what} that is not an entity reference such as &amp;`);
  }
}

interface XmlHandler {
  /** A start tag, at `depth` 0 for the root. */
  readonly element: (element: Element, depth: number) => void;
  /** Character data (text or CDATA) inside the element named `parent`. */
  readonly text: (text: string, parent: string) => void;
}

/** A reader of the XML subset a logo may use; throws NotWellFormed at the first mistake. */
class XmlReader {
  private at = 0;
  private readonly open: string[] = [];
  private rootSeen = false;

  constructor(
    private readonly source: string,
    private readonly handler: XmlHandler,
  ) {}

  read(): void {
    if (/^<\?xml\s/.test(this.source)) this.until('?>', 'the XML declaration is not closed');
    while (this.at < this.source.length) {
      if (this.open.length === 0 && !this.outsideRoot()) break;
      this.markup();
      if (this.at >= this.source.length && this.open.length > 0)
        throw new NotWellFormed(`is not well-formed XML: <${this.open.at(-1) ?? ''}> is never closed`);
    }
    if (!this.rootSeen) throw new NotWellFormed('has no root element');
  }

  /** Before and after the root: space and comments only; false at the end of the text. */
  private outsideRoot(): boolean {
    this.skipSpace();
    if (this.at >= this.source.length) return false;
    if (this.source.startsWith('<!--', this.at)) return true;
    if (this.rootSeen || this.source.charAt(this.at) !== '<' || this.source.startsWith('</', this.at))
      throw new NotWellFormed('is not well-formed XML: text or a second element outside the root');
    return true;
  }

  private markup(): void {
    const rest = (token: string) => this.source.startsWith(token, this.at);
    if (rest('<!--')) {
      this.at += 4;
      this.until('-->', 'a comment is not closed');
    } else if (rest('<![CDATA[')) {
      this.at += 9;
      this.handler.text(this.until(']]>', 'a CDATA section is not closed'), this.open.at(-1) ?? '');
    } else if (rest('<!')) {
      throw new NotWellFormed('has a DOCTYPE or other declaration (entities are not allowed)');
    } else if (rest('<?')) {
      throw new NotWellFormed('has a processing instruction (<?…?>)');
    } else if (rest('</')) {
      this.endTag();
    } else if (rest('<')) {
      this.startTag();
    } else {
      this.chars();
    }
  }

  private endTag(): void {
    this.at += 2;
    const closing = this.name('a closing tag without a name');
    this.skipSpace();
    this.expect('>', `the closing tag </${closing} is not closed`);
    const expected = this.open.pop();
    if (expected !== closing)
      throw new NotWellFormed(`is not well-formed XML: </${closing}> closes <${expected ?? 'nothing'}>`);
  }

  private startTag(): void {
    this.at += 1;
    const element = this.name('a tag without a name');
    const attributes = new Map<string, string>();
    for (;;) {
      const before = this.at;
      this.skipSpace();
      if (this.source.startsWith('/>', this.at) || this.source.startsWith('>', this.at)) break;
      if (this.at === before)
        throw new NotWellFormed(
          `is not well-formed XML: in <${element}>, attributes must be separated by spaces`,
        );
      const [name, value] = this.attribute(element);
      if (attributes.has(name))
        throw new NotWellFormed(`is not well-formed XML: <${element}> has attribute ${name} twice`);
      attributes.set(name, value);
    }
    this.handler.element({ name: element, attributes }, this.open.length);
    this.rootSeen = true;
    if (this.source.startsWith('/>', this.at)) this.at += 2;
    else {
      this.at += 1;
      this.open.push(element);
    }
  }

  private attribute(element: string): [string, string] {
    const name = this.name(`a bad attribute in <${element}>`);
    const what = `attribute ${name} of <${element}>`;
    this.skipSpace();
    this.expect('=', `${what} has no value`);
    this.skipSpace();
    const quote = this.source.charAt(this.at);
    if (quote !== '"' && quote !== "'")
      throw new NotWellFormed(`is not well-formed XML: ${what} is not quoted`);
    this.at += 1;
    const value = this.until(quote, `${what} is not closed`);
    if (value.includes('<')) throw new NotWellFormed(`is not well-formed XML: ${what} contains <`);
    checkReferences(value, `attribute ${name}`);
    return [name, value];
  }

  private chars(): void {
    const end = this.source.indexOf('<', this.at);
    const chars = this.source.slice(this.at, end === -1 ? this.source.length : end);
    checkReferences(chars, 'its text');
    this.handler.text(chars, this.open.at(-1) ?? '');
    this.at += chars.length;
  }

  private expect(token: string, what: string): void {
    if (!this.source.startsWith(token, this.at)) throw new NotWellFormed(`is not well-formed XML: ${what}`);
    this.at += token.length;
  }

  private until(token: string, what: string): string {
    const end = this.source.indexOf(token, this.at);
    if (end === -1) throw new NotWellFormed(`is not well-formed XML: ${what}`);
    const inner = this.source.slice(this.at, end);
    this.at = end + token.length;
    return inner;
  }

  private skipSpace(): void {
    while (this.at < this.source.length && /\s/.test(this.source.charAt(this.at))) this.at++;
  }

  private name(what: string): string {
    const match = NAME.exec(this.source.slice(this.at, this.at + 256));
    if (match === null) throw new NotWellFormed(`is not well-formed XML: ${what}`);
    this.at += match[0].length;
    return match[0];
  }
}

/** What one element may not be or carry, added to `problems`. */
function checkElement({ name, attributes }: Element, depth: number, problems: Set<string>): void {
  const tag = local(name);
  if (depth === 0 && tag !== 'svg') problems.add(`has the root element <${name}>, not <svg>`);
  else if (depth === 0 && attributes.get('xmlns') !== SVG_NAMESPACE)
    problems.add(`has no xmlns="${SVG_NAMESPACE}" on its <svg> root (without it a browser shows nothing)`);
  if (tag === 'script') problems.add('contains a <script> element');
  if (tag === 'foreignobject') problems.add(`contains a <${name}> element`);
  for (const [attribute, value] of attributes) {
    const key = local(attribute);
    if (key.startsWith('on')) problems.add(`has an event handler attribute (${attribute} on <${name}>)`);
    // An <animate> or <set> can write a javascript: URL into a link's href.
    else if (/javascript:/i.test(value)) problems.add(`has a javascript: URL (${attribute} on <${name}>)`);
    else if (value.trim() === HTML_NAMESPACE)
      problems.add(`declares the HTML namespace (${attribute} on <${name}>)`);
    else if (key === 'href' && !value.trim().startsWith('#'))
      problems.add(`links outside itself (${attribute}="${value.slice(0, 60)}" on <${name}>)`);
    else if (OUTSIDE_URL.test(value) || (key === 'style' && /@import/i.test(value)))
      problems.add(`refers to something outside itself (${attribute} on <${name}>)`);
  }
}

/** Why an SVG logo cannot be shown (each problem once, in the order found); empty when it can. */
export function svgProblems(text: string): string[] {
  const problems = new Set<string>();
  const handler: XmlHandler = {
    element: (element, depth) => checkElement(element, depth, problems),
    text: (chars, parent) => {
      if (local(parent) === 'style' && (OUTSIDE_URL.test(chars) || /@import/i.test(chars)))
        problems.add('refers to something outside itself (url() or @import in a <style>)');
    },
  };
  try {
    new XmlReader(text.replace(/^\uFEFF/, ''), handler).read();
  } catch (error) {
    if (!(error instanceof NotWellFormed)) throw error;
    return [error.message];
  }
  return [...problems];
}
