/**
 * `serverless package --stage prod` on a machine without AWS credentials, and what the
 * CloudFormation template it produces must hold: the table's protections, generated secrets,
 * one least-privilege role per function, the schedule, the failure destination, the alarms.
 */
import { checkTemplate } from '../../tools/template-check';
import { packageStack, projectCopy, type Resource } from '../support/package-stack';

let resources: Record<string, Resource>;
let raw: string;
let problems: string[];
const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

beforeAll(async () => {
  const copy = projectCopy();
  try {
    const packaged = await packageStack(copy.dir, 'prod');
    raw = packaged.raw;
    resources = packaged.template.Resources;
    problems = checkTemplate(packaged.template);
  } finally {
    copy.remove();
  }
}, 200_000);

describe('the packaged prod template', () => {
  it('passes the template check (the CloudFormation registry schemas, references, limits)', () => {
    expect(problems).toEqual([]);
  });

  it('keeps the table: on-demand, refresh and listing indexes, TTL, point-in-time recovery, retained and protected', () => {
    const [, table] = ofType('AWS::DynamoDB::Table')[0] ?? [];
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.Properties).toMatchObject({
      TableName: 'handshake-prod',
      BillingMode: 'PAY_PER_REQUEST',
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      GlobalSecondaryIndexes: [
        expect.objectContaining({ IndexName: 'byRefreshDue' }),
        expect.objectContaining({ IndexName: 'byListing' }),
      ],
    });
  });

  it('lets Secrets Manager generate the admin key and the key ring; no secret value is in the template', () => {
    const secrets = Object.fromEntries(
      ofType('AWS::SecretsManager::Secret').map(([, secret]) => [
        String(secret.Properties.Name),
        secret.Properties,
      ]),
    );
    expect(Object.keys(secrets).sort()).toEqual([
      'handshake/prod/admin-key',
      'handshake/prod/client-credentials',
      'handshake/prod/token-keys',
      'handshake/prod/webhook-signing',
    ]);
    for (const name of ['admin-key', 'token-keys', 'webhook-signing']) {
      expect(secrets[`handshake/prod/${name}`]?.GenerateSecretString).toBeDefined();
      expect(secrets[`handshake/prod/${name}`]?.SecretString).toBeUndefined();
    }
    expect(secrets['handshake/prod/client-credentials']?.SecretString).toBe('{}');
    expect(raw).not.toMatch(/hsa_|hsk_|BEGIN (RSA )?PRIVATE KEY/);
  });

  it('gives every function its own role with named actions and resources only', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBe(10);
    const roles = functions.map(([, fn]) => JSON.stringify(fn.Properties.Role));
    expect(new Set(roles).size).toBe(functions.length);
    expect(resources.IamRoleLambdaExecution).toBeUndefined();
    for (const [, role] of ofType('AWS::IAM::Role')) {
      const policies = role.Properties.Policies as Array<{
        PolicyDocument: { Statement: Array<Record<string, unknown>> };
      }>;
      for (const statement of policies.flatMap((policy) => policy.PolicyDocument.Statement)) {
        for (const action of [statement.Action].flat()) expect(String(action)).not.toContain('*');
        for (const resource of [statement.Resource].flat()) expect(resource).not.toBe('*');
      }
    }
  });

  it('grants each function only what it uses', () => {
    const actionsOf = (roleName: string) => {
      const role = resources[roleName];
      const policies = role?.Properties.Policies as Array<{
        PolicyDocument: { Statement: Array<{ Action: string[] }> };
      }>;
      return new Set(policies.flatMap((policy) => policy.PolicyDocument.Statement.flatMap((s) => s.Action)));
    };
    expect([...actionsOf('HealthRole')].sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(actionsOf('RefreshRole').has('dynamodb:Query')).toBe(true);
    expect(actionsOf('RefreshRole').has('dynamodb:DeleteItem')).toBe(false);
    expect(actionsOf('InvokeRole').has('dynamodb:Query')).toBe(false);
    // Invoke: one BatchGetItem per call, the refresh's and the response cache's item writes.
    expect([...actionsOf('InvokeRole')].filter((action) => action.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(actionsOf('ConnectRole').has('dynamodb:UpdateItem')).toBe(false);
    expect(actionsOf('InstallationsRole').has('dynamodb:BatchWriteItem')).toBe(true);
    // Refresh now: the refresh's item actions and the admin key, but no index, queue or delete.
    expect(
      [...actionsOf('RefreshNowRole')].filter((action) => action.startsWith('dynamodb:')).sort(),
    ).toEqual(['dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(JSON.stringify(resources.RefreshNowRole)).toContain('AdminKeySecret');
    expect(JSON.stringify(resources.RefreshNowRole)).not.toContain('WebhookSigningSecret');
    expect(JSON.stringify(resources.ConnectRole)).not.toContain('AdminKeySecret');
    expect(JSON.stringify(resources.RefreshRole)).toContain('index/byRefreshDue');
    // The admin listings read their index; no other function's role names it.
    expect(JSON.stringify(resources.InstallationsRole)).toContain('index/byListing');
    // The console calls the installations API's use cases and refresh now's: their actions, no more.
    expect(JSON.stringify(resources.ConsoleRole)).toContain('index/byListing');
    expect(JSON.stringify(resources.ConsoleRole)).toContain('AdminKeySecret');
    expect([...actionsOf('ConsoleRole')].sort()).toEqual([...actionsOf('InstallationsRole')].sort());
    for (const role of ['RefreshRole', 'DeliverRole', 'InvokeRole', 'ConnectRole', 'CallbackRole']) {
      expect(JSON.stringify(resources[role])).not.toContain('index/byListing');
    }
    // The deliver function reads and settles events and signs them; it cannot touch a token key.
    expect([...actionsOf('DeliverRole')].filter((action) => action.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:DescribeStream',
      'dynamodb:GetItem',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(JSON.stringify(resources.DeliverRole)).toContain('WebhookSigningSecret');
    expect(JSON.stringify(resources.DeliverRole)).not.toMatch(
      /TokenKeyRingSecret|ClientCredentialsSecret|AdminKeySecret/,
    );
  });

  it('delivers auth events from the table stream (new events only) and every minute, failures to a queue', () => {
    expect(resources.HandshakeTable?.Properties.StreamSpecification).toEqual({ StreamViewType: 'KEYS_ONLY' });
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, mapping]) =>
      JSON.stringify(mapping.Properties.FunctionName).includes('Deliver'),
    );
    expect(mappings).toHaveLength(1);
    const [, mapping] = mappings[0] ?? [];
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['HandshakeTable', 'StreamArn'] },
      FunctionName: { 'Fn::GetAtt': ['DeliverLambdaFunction', 'Arn'] },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': ['EventDeliveryFailureQueue', 'Arn'] } },
      },
    });
    const criteria = mapping?.Properties.FilterCriteria as
      | { Filters: Array<{ Pattern: string }> }
      | undefined;
    const filter = JSON.parse(String(criteria?.Filters[0]?.Pattern));
    expect(filter).toEqual({
      eventName: ['INSERT'],
      dynamodb: { Keys: { pk: { S: [{ prefix: 'EVENT#' }] } } },
    });
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties.MetricName);
    expect(alarms).toContain('WebhookDead');
  });

  it('runs the sweep on a schedule, sends failed runs to a queue, and raises alarms', () => {
    const rules = ofType('AWS::Events::Rule');
    expect(rules.map(([, rule]) => rule.Properties.ScheduleExpression).sort()).toEqual([
      'rate(1 minute)',
      'rate(5 minutes)',
    ]);
    const invokeConfig = ofType('AWS::Lambda::EventInvokeConfig')
      .map(([, config]) => config)
      .find((config) => JSON.stringify(config.Properties.FunctionName).includes('Refresh'));
    expect(invokeConfig?.Properties).toMatchObject({
      FunctionName: { Ref: 'RefreshLambdaFunction' },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['RefreshFailureQueue', 'Arn'] } } },
    });
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties.MetricName);
    expect(alarms).toEqual(expect.arrayContaining(['RefreshFailed', 'RefreshDead', '5xx']));
    for (const [, alarm] of ofType('AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    }
  });

  it('deploys nodejs22.x functions that allow no private destination unless told to', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.HANDSHAKE_EGRESS_ALLOW).toBe('');
      expect(variables.HANDSHAKE_STAGE).toBe('prod');
    }
  });
});

describe('the refresh fan-out in the packaged template', () => {
  const INTEGRATIONS = { freshservice: 'Freshservice', hubspot: 'Hubspot', google: 'Google' };
  const statementsOf = (roleName: string) =>
    (
      (resources[roleName]?.Properties.Policies ?? []) as Array<{
        PolicyDocument: { Statement: Array<{ Effect: string; Action: string[]; Resource: unknown }> };
      }>
    ).flatMap((policy) => policy.PolicyDocument.Statement);
  const queueArns = Object.values(INTEGRATIONS).map((id) => ({ 'Fn::GetAtt': [`RefreshQueue${id}`, 'Arn'] }));

  it('has a queue per integration of the app, each redriven to one dead-letter queue', () => {
    const queues = ofType('AWS::SQS::Queue').filter(([id]) => id.startsWith('RefreshQueue'));
    expect(queues.map(([id]) => id).sort()).toEqual(
      Object.values(INTEGRATIONS)
        .map((id) => `RefreshQueue${id}`)
        .sort(),
    );
    for (const [name, id] of Object.entries(INTEGRATIONS)) {
      expect(resources[`RefreshQueue${id}`]?.Properties).toMatchObject({
        QueueName: `handshake-prod-refresh-${name}`,
        VisibilityTimeout: 360,
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': ['RefreshDeadLetterQueue', 'Arn'] },
          maxReceiveCount: 5,
        },
        Tags: [{ Key: 'handshake:integration', Value: name }],
      });
    }
    expect(resources.RefreshDeadLetterQueue?.Properties).toMatchObject({
      QueueName: 'handshake-prod-refresh-dead-letters',
      MessageRetentionPeriod: 1209600,
    });
  });

  it('runs the worker on each queue with partial batch failures and its own maximum concurrency', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, mapping]) =>
      JSON.stringify(mapping.Properties.FunctionName).includes('RefreshWorker'),
    );
    expect(mappings).toHaveLength(3);
    for (const [, mapping] of mappings) {
      expect(mapping.Properties).toMatchObject({
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 5 },
        FunctionName: { 'Fn::GetAtt': ['RefreshWorkerLambdaFunction', 'Arn'] },
      });
    }
    expect(mappings.map(([, mapping]) => mapping.Properties.EventSourceArn)).toEqual(
      expect.arrayContaining(queueArns),
    );
    const worker = resources.RefreshWorkerLambdaFunction?.Properties;
    // Visibility (360 s) is six times the worker's timeout, as Lambda advises for SQS sources.
    expect(worker?.Timeout).toBe(60);
    expect(worker?.Role).toEqual({ 'Fn::GetAtt': ['RefreshWorkerRole', 'Arn'] });
  });

  it("tells the sweep to fan out, and where each integration's queue is", () => {
    const environment = resources.RefreshLambdaFunction?.Properties.Environment as
      | { Variables: Record<string, unknown> }
      | undefined;
    const variables = environment?.Variables ?? {};
    expect(variables.HANDSHAKE_REFRESH_FAN_OUT).toBe('on');
    const joined = variables.HANDSHAKE_REFRESH_QUEUES as { 'Fn::Join': [string, unknown[]] };
    // Each queue's Ref (its URL) in place of a sample URL: the text must be the JSON object the config reads.
    const text = joined['Fn::Join'][1]
      .map((part) => (typeof part === 'string' ? part : `https://sqs/${(part as { Ref: string }).Ref}`))
      .join('');
    expect(JSON.parse(text)).toEqual(
      Object.fromEntries(
        Object.entries(INTEGRATIONS).map(([name, id]) => [name, `https://sqs/RefreshQueue${id}`]),
      ),
    );
  });

  it('lets the sweep only send to the refresh queues, and the worker only receive from them', () => {
    const sqsOf = (role: string) =>
      statementsOf(role).filter((s) => s.Action.some((a) => a.startsWith('sqs:')));
    expect(sqsOf('RefreshRole')).toEqual([
      expect.objectContaining({
        Action: ['sqs:SendMessage'],
        Resource: { 'Fn::GetAtt': ['RefreshFailureQueue', 'Arn'] },
      }),
      expect.objectContaining({
        Effect: 'Allow',
        Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
        Resource: queueArns,
      }),
    ]);
    expect(sqsOf('RefreshWorkerRole')).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: [
          'sqs:ReceiveMessage',
          'sqs:DeleteMessage',
          'sqs:ChangeMessageVisibility',
          'sqs:GetQueueAttributes',
        ],
        Resource: queueArns,
      }),
    ]);
    const workerActions = statementsOf('RefreshWorkerRole').flatMap((s) => s.Action);
    expect(workerActions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    const worker = JSON.stringify(resources.RefreshWorkerRole);
    expect(worker).not.toMatch(/index\/|AdminKeySecret|WebhookSigningSecret|sqs:SendMessage/);
    expect(worker).toContain('TokenKeyRingSecret');
  });

  it('raises an alarm on a dead letter and on a queue that falls behind', () => {
    expect(resources.RefreshDeadLetterAlarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['RefreshDeadLetterQueue', 'QueueName'] } }],
      Threshold: 1,
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    for (const id of Object.values(INTEGRATIONS)) {
      expect(resources[`RefreshQueue${id}BacklogAlarm`]?.Properties).toMatchObject({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [`RefreshQueue${id}`, 'QueueName'] } }],
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      });
    }
  });
});
