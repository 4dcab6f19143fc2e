import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CollectionTag, parse, type ScalarTag } from 'yaml';

// CloudFormation short forms (!Ref, !GetAtt, !Join, !Sub) kept as plain data for inspection.
const cfnTags: Array<ScalarTag | CollectionTag> = ['Ref', 'GetAtt', 'Sub', 'Join'].flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => ({ [name]: value }) } as ScalarTag,
  {
    tag: `!${name}`,
    collection: 'seq',
    resolve: (value: unknown) => ({ [name]: value }),
  } as unknown as CollectionTag,
]);

/** serverless.yml of `root` as data (the tests and the bench read it; serverless resolves it). */
export function parseServerlessYaml(root: string): unknown {
  return parse(readFileSync(join(root, 'serverless.yml'), 'utf8'), { customTags: cfnTags });
}
