import { TOKEN_NAMES } from '../../../lib/accounts/facts';
import type { OAuthIparamField } from '../../../lib/app/iparams-model';
import type { HandshakeSettings } from '../../../lib/app/model';
import type { Template } from '../../../lib/app/template/ast';
import { formatName, referencedNames } from '../../../lib/app/template/names';
import { child, type ProblemSink, type Where } from '../problems';

/*
 * `account.NAME` in what the token endpoint and revocation receive: at the code exchange the
 * account's facts are its oauth_iparams and kept callback parameters (no token response yet);
 * at a refresh or a revocation every stored fact (lib/accounts/facts.ts).
 */

interface Use {
  readonly label: string;
  readonly template: Template;
  readonly where: Where;
  /** Whether it is rendered at the code exchange, before any token-response field is kept. */
  readonly atExchange: boolean;
  readonly inUrl: boolean;
}

function uses(tokenUrl: Template, settings: HandshakeSettings, where: Where, settingsWhere: Where): Use[] {
  const params = (key: 'token_params' | 'refresh_params', map: Readonly<Record<string, Template>>) =>
    Object.entries(map).map(([name, template]) => ({
      label: `${key}.${name}`,
      template,
      where: child(settingsWhere, key, name),
      atExchange: key === 'token_params',
      inUrl: false,
    }));
  const url = (label: string, template: Template | undefined, at: Where, atExchange: boolean) =>
    template === undefined ? [] : [{ label, template, where: at, atExchange, inUrl: true }];
  return [
    // Without refresh_url, token_url serves the refreshes too; it is rendered at the exchange first.
    ...url('token_url', tokenUrl, child(where, 'token_url'), true),
    ...url('refresh_url', settings.refreshUrl, child(settingsWhere, 'refresh_url'), false),
    ...url('revocation_url', settings.revocationUrl, child(settingsWhere, 'revocation_url'), false),
    ...params('token_params', settings.tokenParams),
    ...params('refresh_params', settings.refreshParams),
  ];
}

/** What may be read there, for the message. */
function knownFacts(facts: ReadonlySet<string>, atExchange: boolean): string {
  const names = facts.size === 0 ? 'none is declared' : `one of ${[...facts].join(', ')}`;
  return atExchange
    ? `${names}: the oauth_iparams and callback_params (kept token-response fields come with its answer)`
    : `${names}: the oauth_iparams, callback_params and keep_fields`;
}

function checkUse(
  use: Use,
  known: { readonly exchange: ReadonlySet<string>; readonly stored: ReadonlySet<string> },
  secrets: ReadonlySet<string>,
  sink: ProblemSink,
): void {
  for (const ref of referencedNames(use.template)) {
    if (ref.root !== 'account') continue;
    const [fact] = ref.path;
    const facts = use.atExchange ? known.exchange : known.stored;
    if (fact === undefined || TOKEN_NAMES.includes(fact)) {
      sink.error(
        use.where,
        `${use.label} uses ${formatName(ref)}`,
        'account.NAME of an account fact, never a token',
      );
    } else if (!facts.has(fact)) {
      sink.error(
        use.where,
        `${use.label} uses account.${fact}, which ${use.atExchange ? 'the code exchange' : 'the account'} does not have`,
        knownFacts(facts, use.atExchange),
      );
    } else if (use.inUrl && secrets.has(fact)) {
      sink.error(
        use.where,
        `${use.label} uses account.${fact}, a secret oauth_iparam, in a URL`,
        'secret oauth_iparams (api_key fields, the client secret) only in token_params or refresh_params',
      );
    }
  }
}

/** Every account fact the token URLs and parameters read must be one the account has then. */
export function checkTokenFacts(
  parts: {
    readonly tokenUrl: Template;
    readonly clientSecret: Template;
    readonly settings: HandshakeSettings;
    readonly oauthIparams: readonly OAuthIparamField[];
  },
  at: { readonly where: Where; readonly settingsWhere: Where },
  sink: ProblemSink,
): void {
  const { settings } = parts;
  const callback = settings.callbackParams.map((name) => settings.callbackFactNames[name] ?? name);
  const exchange = new Set([...parts.oauthIparams.map((field) => field.name), ...callback]);
  const stored = new Set([...exchange, ...settings.keepFields.map((field) => field.split('.')[0] ?? field)]);
  const secrets = new Set(parts.oauthIparams.filter((f) => f.type === 'api_key').map((f) => f.name));
  for (const ref of referencedNames(parts.clientSecret))
    if (ref.root === 'oauth_iparams' && ref.path[0] !== undefined) secrets.add(ref.path[0]);
  for (const use of uses(parts.tokenUrl, settings, at.where, at.settingsWhere))
    checkUse(use, { exchange, stored }, secrets, sink);
}
