import type { IparamField } from '../../../lib/app/iparams-model';
import type { TlsSources } from '../../../lib/app/model';
import { TLS_FIELDS } from '../../../lib/app/model';
import type { Template } from '../../../lib/app/template/ast';
import { child, describeValue, type ProblemSink, type Where } from '../problems';
import { parseField } from './template-field';

type SecurityInput = { readonly [F in (typeof TLS_FIELDS)[number]]?: string | undefined };

const ALLOWED =
  '"<%= iparam.NAME %>" of a secure iparam or "<%= app_settings.PATH %>", and nothing else (both are sealed at rest)';

/** The name a value reads when it is exactly one `<%= root.path %>`; undefined otherwise. */
function singleName(template: Template) {
  const [only, ...rest] = template.segments;
  if (only?.kind !== 'expr' || rest.length > 0 || only.expr.kind !== 'name') return undefined;
  return only.expr;
}

/** One TLS value: a secure iparam or an app setting, which each installation sets, sealed. */
function readSource(
  source: string,
  iparams: ReadonlyMap<string, IparamField>,
  where: Where,
  sink: ProblemSink,
): Template | undefined {
  const template = parseField(source, where, 'value', sink);
  if (template === undefined) return undefined;
  const name = singleName(template);
  if (name?.root === 'app_settings' && name.path.length > 0) return template;
  const [iparam, ...fields] = name?.root === 'iparam' ? name.path : [];
  if (iparam === undefined || fields.length > 0) {
    sink.error(
      where,
      `${describeValue(source)} is neither a secure iparam nor an app setting: TLS material is a secret, never written in the app folder`,
      ALLOWED,
    );
    return undefined;
  }
  const field = iparams.get(iparam);
  if (field === undefined) {
    sink.error(where, `iparam.${iparam} is not defined in config/iparams.json`, ALLOWED);
    return undefined;
  }
  if (!field.secure) {
    sink.error(
      where,
      `iparam.${iparam} is not secure: TLS keys and certificates are secrets`,
      `"secure": true on ${iparam}`,
    );
    return undefined;
  }
  return template;
}

/**
 * `options.security` of a request template (FDK's key: TLS material for its calls): each value
 * names a secure iparam or an app setting, whose PEM text each installation sets; a certificate
 * comes with its key, a passphrase only with a key. Undefined when absent or when it has errors
 * (all reported to `sink`, so the template itself is refused).
 */
export function readSecurity(
  input: SecurityInput | undefined,
  iparams: ReadonlyMap<string, IparamField>,
  where: Where,
  sink: ProblemSink,
): TlsSources | undefined {
  if (input === undefined) return undefined;
  const tls: Partial<Record<(typeof TLS_FIELDS)[number], Template>> = {};
  let ok = true;
  for (const field of TLS_FIELDS) {
    const source = input[field];
    if (source === undefined) continue;
    const template = readSource(source, iparams, child(where, field), sink);
    if (template === undefined) ok = false;
    else tls[field] = template;
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
