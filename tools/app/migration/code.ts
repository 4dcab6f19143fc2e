import type { Problem } from '../problems';
import { lineAt } from './locate';
import { listed, offPlatform } from './warning';

/** What the app's JSON says about its templates, to check the names its code invokes. */
export interface TemplateNames {
  /** Every template of config/requests.json. */
  readonly defined: readonly string[];
  /** The templates manifest.json declares. */
  readonly declared: ReadonlySet<string>;
  /** Where this manifest's platform declares them, for the message. */
  readonly requestsPlace: string;
}

interface PlatformFeature {
  readonly name: string;
  readonly pattern: RegExp;
  /** What the feature is on the Freshworks platform. */
  readonly what: string;
  /** What takes its place off the platform. */
  readonly instead: string;
}

/** FDK runtime features Handshake does not provide: data, not code, so a new one is a row. */
export const PLATFORM_FEATURES: readonly PlatformFeature[] = [
  {
    name: '$db',
    pattern: /\$db\s*\.\s*\w+/g,
    what: "FDK's data storage",
    instead: 'a store of your backend (Handshake keeps installations, accounts and tokens only)',
  },
  {
    name: '$schedule',
    pattern: /\$schedule\s*\.\s*\w+/g,
    what: "FDK's scheduled events",
    instead: 'a scheduler of your own (an EventBridge rule, cron) calling your backend',
  },
  {
    name: '$request.invoke',
    pattern: /\$request\s*\.\s*invoke\s*\(/g,
    what: 'a call from one serverless function to another',
    instead: 'a plain function call in your backend',
  },
  {
    name: 'client.request.invoke',
    pattern: /client\s*\.\s*request\s*\.\s*invoke\s*\(/g,
    what: 'a front-end call to a serverless function (SMI)',
    instead: "a call to your backend's own API",
  },
  {
    name: 'the legacy request API',
    pattern: /(?:\$request|client\s*\.\s*request)\s*\.\s*(?:get|post|put|patch|delete)\s*\(/g,
    what: 'a request to a URL without a template',
    instead: 'a template in config/requests.json, called through POST /installations/{id}/invoke',
  },
  {
    name: 'client.db',
    pattern: /client\s*\.\s*db\s*\.\s*\w+/g,
    what: "FDK's data storage from the front end",
    instead: 'a store of your backend',
  },
  {
    name: "the product's front-end API",
    pattern: /client\s*\.\s*(?:interface|instance|events|data|iparams)\s*\.\s*\w+/g,
    what: 'the app running inside the product (client.interface, client.instance, client.events, client.data, client.iparams)',
    instead: 'your own UI: Handshake runs nothing inside the product',
  },
  {
    name: 'renderData',
    pattern: /\brenderData\s*\(/g,
    what: "a serverless function's reply",
    instead: "your backend's own response",
  },
];

// A literal name only: a name computed at run time cannot be checked here.
const INVOKE_TEMPLATE = /(\$request|client\s*\.\s*request)\s*\.\s*invokeTemplate\s*\(\s*(['"`])([\w.-]+)\2/g;

function checkInvokedNames(file: string, text: string, names: TemplateNames): Problem[] {
  const found: Problem[] = [];
  for (const match of text.matchAll(INVOKE_TEMPLATE)) {
    const call = `${match[1]?.replace(/\s/g, '')}.invokeTemplate("${match[3]}")`;
    const name = match[3] ?? '';
    const line = lineAt(text, match.index);
    if (!names.defined.includes(name)) {
      found.push(
        offPlatform(
          file,
          line,
          '',
          `${call} names a template config/requests.json does not define: Handshake answers TEMPLATE_NOT_DECLARED`,
          names.defined.length === 0 ? 'a template defined in config/requests.json' : listed(names.defined),
        ),
      );
    } else if (!names.declared.has(name)) {
      found.push(
        offPlatform(
          file,
          line,
          '',
          `${call} names a template manifest.json does not declare: Handshake answers TEMPLATE_NOT_DECLARED`,
          `declare it in manifest.json under ${names.requestsPlace} as "${name}": {}`,
        ),
      );
    }
  }
  return found;
}

function checkFeatures(file: string, text: string): Problem[] {
  const found: Problem[] = [];
  for (const feature of PLATFORM_FEATURES) {
    const matches = [...text.matchAll(feature.pattern)];
    const first = matches[0];
    if (first === undefined) continue;
    const uses = matches.length === 1 ? 'used here' : `used ${matches.length} times, first here`;
    found.push(
      offPlatform(
        file,
        lineAt(text, first.index),
        '',
        `${feature.name} (${uses}) is ${feature.what}: Handshake does not provide it`,
        feature.instead,
      ),
    );
  }
  return found;
}

/** What the app's JavaScript relies on that works differently, or not at all, off the platform. */
export function checkCode(code: Readonly<Record<string, string>>, names: TemplateNames): Problem[] {
  return Object.entries(code).flatMap(([file, text]) => [
    ...checkInvokedNames(file, text, names),
    ...checkFeatures(file, text),
  ]);
}
