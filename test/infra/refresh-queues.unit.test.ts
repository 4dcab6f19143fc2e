/**
 * infra/refresh-queues.cjs, the template's generated fan-out part, for apps the sample does not
 * cover: none, clashing and long integration names, per-integration concurrency and its refusals.
 * The packaged template itself is checked by test/infra/package.integration.test.ts.
 */
import { LEASE_MARGIN_MS } from '../../lib/accounts/decisions';
import { TOKEN_TIMEOUT_MS } from '../../lib/wiring/infrastructure';

interface Template {
  resources: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  workerEvents: Array<{ sqs: { arn: unknown; maximumConcurrency: number } }>;
  queueUrls: unknown;
  producerStatement: { Effect: string; Resource: unknown };
  workerStatement: { Effect: string; Resource: unknown };
}
const generated = require('../../infra/refresh-queues.cjs') as {
  fanOutTemplate(input: { stage: string; names: string[]; env: Record<string, string> }): Template;
  VISIBILITY_TIMEOUT_SECONDS: number;
  WORKER_TIMEOUT_SECONDS: number;
};
const template = (names: string[], env: Record<string, string> = {}) =>
  generated.fanOutTemplate({ stage: 'prod', names, env });
const queueIds = (t: Template) =>
  Object.entries(t.resources.Resources)
    .filter(([id, resource]) => resource.Type === 'AWS::SQS::Queue' && id !== 'RefreshDeadLetterQueue')
    .map(([id]) => id);

describe('the generated refresh queues', () => {
  it('keeps a message invisible longer than a refresh can hold its lease plus the worker can run', () => {
    const leaseSeconds = (TOKEN_TIMEOUT_MS + LEASE_MARGIN_MS) / 1000;
    expect(generated.VISIBILITY_TIMEOUT_SECONDS).toBeGreaterThan(
      leaseSeconds + generated.WORKER_TIMEOUT_SECONDS,
    );
    // A batch's refreshes run at once: one token call's timeout fits the worker's many times.
    expect(generated.WORKER_TIMEOUT_SECONDS * 1000).toBeGreaterThan(TOKEN_TIMEOUT_MS * 2);
  });

  it('makes nothing for an app without integrations, and policies that grant nothing', () => {
    const t = template([]);
    expect(t.resources.Resources).toEqual({});
    expect(t.workerEvents).toEqual([]);
    expect(t.queueUrls).toBe('{}');
    expect(t.producerStatement).toMatchObject({ Effect: 'Deny', Resource: '*' });
    expect(t.workerStatement).toMatchObject({ Effect: 'Deny', Resource: '*' });
  });

  it('gives names that spell alike distinct, stable ids', () => {
    const t = template(['a-b', 'a_b', 'crm']);
    const ids = queueIds(t);
    expect(new Set(ids).size).toBe(3);
    expect(ids).toContain('RefreshQueueCrm');
    expect(ids.every((id) => /^[A-Za-z0-9]+$/.test(id))).toBe(true);
    // The same names give the same ids, whatever else the app gains.
    expect(queueIds(template(['a-b', 'a_b', 'crm', 'other'])).slice(0, 3)).toEqual(ids);
    expect(queueIds(template(['---']))[0]).toMatch(/^RefreshQueue[0-9a-f]{8}$/);
  });

  it('leaves a name over SQS’s 80 characters to CloudFormation, tagging the queue with its integration', () => {
    const long = 'x'.repeat(70);
    const t = template([long]);
    const [id] = queueIds(t);
    const queue = t.resources.Resources[id ?? '']?.Properties;
    expect(queue?.QueueName).toBeUndefined();
    expect(queue?.Tags).toEqual([{ Key: 'handshake:integration', Value: long }]);
    expect(String(t.resources.Resources[`${id}BacklogAlarm`]?.Properties.AlarmDescription)).toContain(long);
  });

  it('sets each mapping’s maximum concurrency from HANDSHAKE_REFRESH_WORKER_CONCURRENCY', () => {
    const concurrency = (env: Record<string, string>) =>
      template(['crm', 'mail'], env).workerEvents.map((event) => event.sqs.maximumConcurrency);
    expect(concurrency({})).toEqual([5, 5]);
    expect(concurrency({ HANDSHAKE_REFRESH_WORKER_CONCURRENCY: '20' })).toEqual([20, 20]);
    expect(concurrency({ HANDSHAKE_REFRESH_WORKER_CONCURRENCY: '8, mail=50' })).toEqual([8, 50]);
  });

  it.each([
    ['1', /the default must be a whole number 2–1000, got "1"/],
    ['lots', /the default must be a whole number/],
    ['crm=5000', /"crm" must be a whole number 2–1000, got "5000"/],
    ['crn=10', /"crn" is not an integration of the app \(crm, mail\)/],
  ])('refuses HANDSHAKE_REFRESH_WORKER_CONCURRENCY=%s, saying what is allowed', (value, problem) => {
    expect(() => template(['crm', 'mail'], { HANDSHAKE_REFRESH_WORKER_CONCURRENCY: value })).toThrow(problem);
  });
});
