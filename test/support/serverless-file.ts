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

export interface ServerlessFile {
  provider: {
    runtime: string;
    iam: { role: { statements: Array<{ Action: string[]; Resource: unknown[] }> } };
  };
  functions: Record<string, { handler: string; events?: Array<{ httpApi?: string }> }>;
  resources: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
}

/** serverless.yml as data, the way the tests inspect it. */
export function readServerlessFile(): ServerlessFile {
  return parse(readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8'), {
    customTags: cfnTags,
  }) as ServerlessFile;
}
