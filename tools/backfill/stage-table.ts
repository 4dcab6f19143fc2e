/**
 * Which table a one-off tool works on: the local backend's (npm start) without --stage, or
 * `handshake-<stage>` in AWS with it. Shared by `npm run backfill-listing` and `npm run recount`.
 */
import { dataDirOf, readRecord } from '../../infra/local-environment.cjs';
import { type TableRef, tableRef } from '../../lib/store/dynamo';
import { fail, type Usage, usageError } from '../cli';
import { DEFAULT_REGION } from '../secret-store';

export const STAGE_OPTIONS = { stage: { type: 'string' }, region: { type: 'string' } } as const;

export const STAGE_USAGE = {
  options: [
    ['--stage <name>', 'a deployed stage instead of the local backend'],
    ['--region <region>', 'the AWS region of that stage'],
  ],
  environment: [
    ['HANDSHAKE_DATA_DIR', 'the local data folder of npm start (default .handshake); without --stage'],
    ['AWS_REGION', `the region of a stage when --region is not given (default ${DEFAULT_REGION})`],
    ['AWS_PROFILE, AWS_…', 'the AWS credentials used with --stage'],
  ],
} as const satisfies Pick<Usage, 'options' | 'environment'>;

export function stageTable(
  usage: Usage,
  values: { stage?: string | undefined; region?: string | undefined },
): TableRef {
  if (values.region !== undefined && values.stage === undefined) {
    usageError(usage, '--region goes with --stage; the local table has no region');
  }
  if (values.stage !== undefined) {
    return tableRef({
      region: values.region ?? process.env.AWS_REGION ?? DEFAULT_REGION,
      dynamodbEndpoint: undefined,
      local: false,
      tableName: `handshake-${values.stage}`,
    });
  }
  const found = readRecord(dataDirOf(process.env, process.cwd()));
  if (found.record === undefined) {
    fail(usage, `no local backend found (${found.problem}): run \`npm start\` first, or give --stage`);
  }
  const { dynamodbEndpoint, stage } = found.record;
  return tableRef({ region: DEFAULT_REGION, dynamodbEndpoint, local: true, tableName: `handshake-${stage}` });
}
