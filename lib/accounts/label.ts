import type { Integration } from '../app/model';
import { InvalidInputError } from '../errors';

export const DEFAULT_ACCOUNT = 'default';

/** Labels name accounts in URLs and keys: printable, no '#', no spaces, bounded. */
const ACCOUNT_LABEL = /^[A-Za-z0-9][A-Za-z0-9._@:+=-]{0,127}$/;

/** Whether `value` may name an account (what `accountFor` accepts as given). */
export const isAccountLabel = (value: string): boolean => ACCOUNT_LABEL.test(value);

/**
 * The account a request is about. `default` unless given; an agent-level integration has one
 * token set per agent, so its account (the agent's id) must be named.
 */
export function accountFor(integration: Integration, given: string | undefined): string {
  if (given === undefined || given === '') {
    if (integration.tokenType === 'agent') {
      throw new InvalidInputError(
        `"${integration.name}" is an agent-level integration (token_type "agent"): give "account", the agent's id`,
      );
    }
    return DEFAULT_ACCOUNT;
  }
  if (!isAccountLabel(given)) {
    throw new InvalidInputError(
      'account must be 1-128 characters: letters, digits and . _ @ : + = - (starting with a letter or digit)',
    );
  }
  return given;
}
