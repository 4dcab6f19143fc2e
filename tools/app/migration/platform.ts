import { isRecord } from '../../../lib/app/record';
import { childPath, type Problem } from '../problems';
import { lineOfKeys } from './locate';
import { listed, offPlatform } from './warning';

/**
 * iparam attributes FDK acts on and Handshake accepts but ignores, each with why. (`regex` and
 * `type_attributes.regex` are not here: POST /installations enforces them, lib/app/iparams.ts.)
 */
export const IGNORED_IPARAM_KEYS: Readonly<Record<string, string>> = {
  events: "the install page's change handlers are not run: there is no install page",
  visible: 'nothing is hidden or shown: there is no install page',
  'data-bind': 'nothing is bound: there is no install page',
  modules: 'the iparam is set for the installation, not per product module',
};

/** Manifest sections the platform runs and Handshake does not, each with what takes its place. */
export const IGNORED_MANIFEST_SECTIONS: Readonly<Record<string, string>> = {
  events:
    'your backend, reacting to the product (its webhooks) and to your own installation flow (POST /installations, DELETE /installations/{id})',
  functions:
    "your backend's own code, calling POST /installations/{id}/invoke where it called $request.invokeTemplate",
  location: 'your own UI: Handshake serves only the connect page',
};

export function checkIparams(iparams: unknown, text: string): Problem[] {
  if (!isRecord(iparams)) return [];
  return Object.entries(iparams).flatMap(([name, field]) =>
    isRecord(field)
      ? Object.keys(field)
          .filter((key) => Object.hasOwn(IGNORED_IPARAM_KEYS, key))
          .map((key) =>
            offPlatform(
              'config/iparams.json',
              lineOfKeys(text, [name, key]),
              childPath(childPath('$', name), key),
              `iparam "${name}" has ${key}, which Handshake ignores: ${IGNORED_IPARAM_KEYS[key]}`,
              'nothing to do, or the same behaviour in your own installation UI',
            ),
          )
      : [],
  );
}

/** The product modules of a manifest: `modules.<name>` on 3.x, `product.<name>` on 2.x. */
function modulesOf(
  manifest: Readonly<Record<string, unknown>>,
): [string, string, Readonly<Record<string, unknown>>][] {
  return ['modules', 'product'].flatMap((top) => {
    const group = manifest[top];
    if (!isRecord(group)) return [];
    return Object.entries(group).flatMap(([name, body]) =>
      isRecord(body) ? [[top, name, body] as [string, string, Readonly<Record<string, unknown>>]] : [],
    );
  });
}

export function checkManifest(manifest: unknown, text: string): Problem[] {
  if (!isRecord(manifest)) return [];
  return modulesOf(manifest).flatMap(([top, module, body]) =>
    Object.keys(IGNORED_MANIFEST_SECTIONS)
      .filter((section) => isRecord(body[section]))
      .map((section) => {
        const names = Object.keys(body[section] as Record<string, unknown>);
        return offPlatform(
          'manifest.json',
          lineOfKeys(text, [top, module, section]),
          [top, module, section].reduce(childPath, '$'),
          `${section} ${listed(names)} of ${top}.${module} run on the Freshworks platform only: Handshake ignores them`,
          IGNORED_MANIFEST_SECTIONS[section] ?? '',
        );
      }),
  );
}

/** FDK files whose presence alone means something Handshake does not do. */
export function checkPresentFiles(present: readonly string[]): Problem[] {
  return present.includes('config/iparams.html')
    ? [
        offPlatform(
          'config/iparams.html',
          1,
          '',
          'the custom installation page is not served: Handshake has no install page, and sets only iparams declared in config/iparams.json',
          'your own installation UI calling POST /installations, every iparam it sets declared in config/iparams.json',
        ),
      ]
    : [];
}
