import { parseServerlessYaml } from '../../tools/serverless-yaml';
import { REPO_ROOT } from './local-env';

export type CfnResource = { Type: string; Properties: Record<string, unknown> };

export interface ServerlessFile {
  provider: { runtime: string };
  /** `events` is a `${file(...)}` string where a variable file makes them (refreshWorker). */
  functions: Record<
    string,
    { handler: string; role?: string; events?: string | Array<{ httpApi?: string }> }
  >;
  /** Inline resources; the `${file(...)}` entries are left as strings. */
  resources: Array<string | { Resources: Record<string, CfnResource> }>;
}

/** The resources written inline in serverless.yml (not those of included files). */
export const inlineResources = (file: ServerlessFile): Record<string, CfnResource> =>
  Object.assign(
    {},
    ...file.resources.flatMap((entry) => (typeof entry === 'string' ? [] : [entry.Resources])),
  );

type ServerlessFunction = ServerlessFile['functions'][string];

/** A function's events written inline; none when a variable file makes them. */
export const inlineEvents = (fn: ServerlessFunction | undefined): Array<{ httpApi?: string }> =>
  Array.isArray(fn?.events) ? fn.events : [];

/** serverless.yml as data, the way the tests inspect it. */
export function readServerlessFile(): ServerlessFile {
  return parseServerlessYaml(REPO_ROOT) as ServerlessFile;
}
