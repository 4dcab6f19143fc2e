import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CollectionTag, parse, type ScalarTag } from 'yaml';
import { REPO_ROOT } from './local-env';

// CloudFormation short forms (!Ref, !GetAtt, !Join, !Sub) kept as plain data for inspection.
const cfnTags: Array<ScalarTag | CollectionTag> = ['Ref', 'GetAtt', 'Sub', 'Join'].flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => ({ [name]: value }) } as ScalarTag,
  {
    tag: `!${name}`,
    collection: 'seq',
    resolve: (value: unknown) => ({ [name]: value }),
  } as unknown as CollectionTag,
]);

export type CfnResource = { Type: string; Properties: Record<string, unknown> };

export interface ServerlessFile {
  provider: { runtime: string };
  functions: Record<string, { handler: string; role?: string; events?: Array<{ httpApi?: string }> }>;
  /** Inline resources; the `${file(...)}` entries are left as strings. */
  resources: Array<string | { Resources: Record<string, CfnResource> }>;
}

/** The resources written inline in serverless.yml (not those of included files). */
export const inlineResources = (file: ServerlessFile): Record<string, CfnResource> =>
  Object.assign(
    {},
    ...file.resources.flatMap((entry) => (typeof entry === 'string' ? [] : [entry.Resources])),
  );

/** serverless.yml as data, the way the tests inspect it. */
export function readServerlessFile(): ServerlessFile {
  return parse(readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8'), {
    customTags: cfnTags,
  }) as ServerlessFile;
}
