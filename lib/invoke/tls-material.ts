import { TLS_FIELDS, type TlsSources } from '../app/model';
import { renderTemplate, type TemplateScope } from '../app/template';
import type { TlsMaterial } from '../egress';
import { TemplateRequestError } from '../errors';

/**
 * The PEM text of a template's `options.security`, rendered from the installation's secure
 * iparams or app settings (the app validator made sure each value is one of those). A value this
 * installation has not set refuses the call before anything is sent: without its certificate
 * the upstream would only refuse it. The message names the field, never the value.
 */
export function tlsMaterial(sources: TlsSources | undefined, scope: TemplateScope): TlsMaterial | undefined {
  if (sources === undefined) return undefined;
  const material: Record<string, string> = {};
  for (const field of TLS_FIELDS) {
    const source = sources[field];
    if (source === undefined) continue;
    let value = '';
    try {
      value = renderTemplate(source, scope);
    } catch {
      // An object where PEM text should be: as good as not set.
    }
    if (value.trim() === '') {
      throw new TemplateRequestError(
        'substitution',
        `options.security.${field}: this installation has not set ${source.source.replace(/^<%=\s*|\s*%>$/g, '')} (its PEM text); set it to call this template`,
      );
    }
    material[field] = value;
  }
  return material;
}
