import { TLS_FIELDS, type TlsIparams } from '../app/model';
import type { TlsMaterial } from '../egress';
import { TemplateRequestError } from '../errors';

/**
 * The PEM text of a template's `options.security`, read from the installation's secure iparams
 * (the app validator made sure each is one). An iparam this installation has not set refuses
 * the call before anything is sent: without its certificate the upstream would only refuse it.
 */
export function tlsMaterial(
  names: TlsIparams | undefined,
  /** The render scope's `iparam`: the installation's iparams, secure ones opened. */
  iparams: unknown,
): TlsMaterial | undefined {
  if (names === undefined) return undefined;
  const values = typeof iparams === 'object' && iparams !== null ? (iparams as Record<string, unknown>) : {};
  const material: Record<string, string> = {};
  for (const field of TLS_FIELDS) {
    const name = names[field];
    if (name === undefined) continue;
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new TemplateRequestError(
        'substitution',
        `options.security.${field}: this installation has no iparam "${name}" (its PEM text); set it to call this template`,
      );
    }
    material[field] = value;
  }
  return material;
}
