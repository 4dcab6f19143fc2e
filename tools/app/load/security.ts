import type { IparamField } from '../../../lib/app/model';
import { TLS_FIELDS, type TlsIparams } from '../../../lib/app/model';
import { child, describeValue, type ProblemSink, type Where } from '../problems';
import { parseField } from './template-field';

type SecurityInput = { readonly [F in (typeof TLS_FIELDS)[number]]?: string | undefined };

const ALLOWED = '"<%= iparam.NAME %>" and nothing else, NAME a secure iparam of config/iparams.json';

/** The one iparam a value names when it is exactly `<%= iparam.NAME %>`; undefined otherwise. */
function iparamNamed(source: string, where: Where, sink: ProblemSink): string | undefined {
  const template = parseField(source, where, 'value', sink);
  if (template === undefined) return undefined;
  const [only, ...rest] = template.segments;
  if (
    only?.kind === 'expr' &&
    rest.length === 0 &&
    only.expr.kind === 'name' &&
    only.expr.root === 'iparam'
  ) {
    const [name, ...fields] = only.expr.path;
    if (name !== undefined && fields.length === 0) return name;
  }
  sink.error(
    where,
    `${describeValue(source)} is not a secure iparam: TLS material is a secret, never written in the app folder`,
    ALLOWED,
  );
  return undefined;
}

function checkIparam(
  name: string,
  iparams: ReadonlyMap<string, IparamField>,
  where: Where,
  sink: ProblemSink,
) {
  const iparam = iparams.get(name);
  if (iparam === undefined) {
    sink.error(where, `iparam.${name} is not defined in config/iparams.json`, ALLOWED);
    return false;
  }
  if (!iparam.secure) {
    sink.error(
      where,
      `iparam.${name} is not secure: TLS keys and certificates are secrets`,
      `"secure": true on ${name}`,
    );
    return false;
  }
  return true;
}

/**
 * `options.security` of a request template (TLS material for its calls): each value names a
 * secure iparam, whose PEM text each installation sets; a certificate comes with its key, a
 * passphrase only with a key. Undefined when absent or when it has errors (all reported to
 * `sink`, so the template itself is refused).
 */
export function readSecurity(
  input: SecurityInput | undefined,
  iparams: ReadonlyMap<string, IparamField>,
  where: Where,
  sink: ProblemSink,
): TlsIparams | undefined {
  if (input === undefined) return undefined;
  const tls: Record<string, string> = {};
  let ok = true;
  for (const field of TLS_FIELDS) {
    const source = input[field];
    if (source === undefined) continue;
    const at = child(where, field);
    const name = iparamNamed(source, at, sink);
    if (name !== undefined && checkIparam(name, iparams, at, sink)) tls[field] = name;
    else ok = false;
  }
  if ((input.cert === undefined) !== (input.key === undefined)) {
    sink.error(
      where,
      'a client certificate needs its key, and a key its certificate',
      'cert and key together',
    );
    ok = false;
  }
  if (input.passphrase !== undefined && input.key === undefined) {
    sink.error(child(where, 'passphrase'), 'a passphrase without a key', 'passphrase only next to key');
    ok = false;
  }
  if (Object.keys(tls).length === 0 && ok) {
    sink.error(where, 'options.security is empty', 'at least one of ca, cert and key');
    ok = false;
  }
  return ok ? tls : undefined;
}
