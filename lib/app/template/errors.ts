import { InvalidInputError } from '../../errors';
import { ALLOWED_EXPRESSIONS } from './ast';

/** A template string that is not in the supported expression language; raised at validation time. */
export class TemplateSyntaxError extends Error {
  readonly allowed = ALLOWED_EXPRESSIONS;

  constructor(
    /** What is wrong, e.g. `unexpected "("`. */
    readonly reason: string,
    /** Character offset in the template source. */
    readonly offset: number,
  ) {
    super(`${reason} at offset ${offset} — allowed: ${ALLOWED_EXPRESSIONS}`);
    this.name = 'TemplateSyntaxError';
  }
}

/**
 * A value that cannot be substituted (an object or array where text is expected). The message names
 * the expression, never the value, so it is safe to return to the caller.
 */
export class TemplateRenderError extends InvalidInputError {
  override readonly name: string = 'TemplateRenderError';

  constructor(readonly expression: string) {
    super(`<%= ${expression} %> is an object or array; only text, numbers and booleans can be substituted`);
  }
}
