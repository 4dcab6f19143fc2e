import * as v from 'valibot';
import { isAccountLabel } from '../../accounts/label';
import type { AccountKey } from '../../accounts/record';
import { isInstallationId } from '../../crypto/keys';
import { jsonObject } from '../../validation';

/**
 * The body of one fan-out message: the key of one due account, nothing else — no token, no
 * due time (the worker's lease reads the record as it is, so a stale message is a no-op).
 * `v` versions the shape: a worker refuses a shape it does not know rather than guess.
 */
const MESSAGE_VERSION = 1;

const messageSchema = jsonObject({
  v: v.literal(MESSAGE_VERSION),
  installationId: v.pipe(v.string(), v.check(isInstallationId, 'not an installation id')),
  integration: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  account: v.pipe(v.string(), v.check(isAccountLabel, 'not an account label')),
});

export const encodeRefreshMessage = (key: AccountKey): string =>
  JSON.stringify({
    v: MESSAGE_VERSION,
    installationId: key.installationId,
    integration: key.integration,
    account: key.account,
  });

export type ParsedMessage =
  | { readonly ok: true; readonly key: AccountKey }
  | { readonly ok: false; readonly problem: string };

/**
 * A message body as the key it names, or why it names none. `knows` says whether the app has
 * the integration: a message for one the app no longer has is as malformed as bad JSON.
 */
export function parseRefreshMessage(body: string, knows: (integration: string) => boolean): ParsedMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problem: 'the body is not JSON' };
  }
  const result = v.safeParse(messageSchema, json);
  if (!result.success) {
    const fields = result.issues.map((issue) => v.getDotPath(issue) ?? '(body)');
    return { ok: false, problem: `not a refresh message (${[...new Set(fields)].join(', ')})` };
  }
  const { installationId, integration, account } = result.output;
  if (!knows(integration)) return { ok: false, problem: `the app has no integration "${integration}"` };
  return { ok: true, key: { installationId, integration, account } };
}
