import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { UnavailableError } from '../../lib/errors';
import { apiErrorOf } from '../../lib/http/error-status';
import { awsSecretsClient, createAwsSecretSource } from '../../lib/secrets/aws';

const sm = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'eu-west-1' });
const source = () => createAwsSecretSource({ client, prefix: 'handshake/dev' });

const throttling = () =>
  new SecretsManagerServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'Rate exceeded for arn:aws:secretsmanager:eu-west-1:123456789012:secret:handshake/dev/admin-key',
  });

const notFound = () =>
  new ResourceNotFoundException({
    $metadata: {},
    message: "Secrets Manager can't find the specified secret.",
  });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('createAwsSecretSource', () => {
  beforeEach(() => {
    sm.reset();
  });

  it('reads <prefix>/<name> once and serves a second get from the cache', async () => {
    // Prepare
    sm.on(GetSecretValueCommand, { SecretId: 'handshake/dev/admin-key' }).resolves({ SecretString: 'hsa_x' });
    const secrets = source();

    // Act
    const first = await secrets.get('admin-key');
    const second = await secrets.get('admin-key');

    // Assess
    expect(first).toBe('hsa_x');
    expect(second).toBe('hsa_x');
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(sm).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'handshake/dev/admin-key' });
  });

  it('reads again once the max age has passed', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'old' }).resolves({ SecretString: 'new' });
    const secrets = createAwsSecretSource({ client, prefix: 'handshake/dev', maxAgeSeconds: 0 });

    // Act
    const first = await secrets.get('token-keys');
    const second = await secrets.get('token-keys');

    // Assess
    expect([first, second]).toEqual(['old', 'new']);
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('bypasses the cache for a fresh read', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'old' }).resolves({ SecretString: 'new' });
    const secrets = source();
    await secrets.get('token-keys');

    // Act
    const value = await secrets.get('token-keys', { fresh: true });

    // Assess
    expect(value).toBe('new');
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('answers undefined for a secret that does not exist', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).rejects(notFound());

    // Act
    const value = await source().get('client-credentials');

    // Assess
    expect(value).toBeUndefined();
  });

  it('decodes a binary secret as UTF-8', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).resolves({ SecretBinary: new TextEncoder().encode('bin-value') });

    // Act
    const value = await source().get('webhook-signing');

    // Assess
    expect(value).toBe('bin-value');
  });

  it('turns throttling into an UnavailableError without the SDK message, keeping the SDK error as cause', async () => {
    // Prepare
    sm.on(GetSecretValueCommand).rejects(throttling());

    // Act
    const error = await rejection(source().get('admin-key'));

    // Assess
    expect(error).toBeInstanceOf(UnavailableError);
    const unavailable = error as UnavailableError;
    expect(apiErrorOf(unavailable, 'test')).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(unavailable.message).not.toMatch(/arn:|Rate exceeded|handshake\/dev/);
    expect((unavailable.cause as Error).name).toBe('ThrottlingException');
  });

  it('writes with PutSecretValue under the prefixed name and rereads the secret afterwards', async () => {
    // Prepare: 'old' is cached before the write
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'old' }).resolves({ SecretString: 'new' });
    sm.on(PutSecretValueCommand).resolves({});
    const secrets = source();
    await secrets.get('token-keys');

    // Act
    await secrets.put('token-keys', 'new');
    const afterPut = await secrets.get('token-keys');
    const cachedAgain = await secrets.get('token-keys');

    // Assess
    expect(sm).toHaveReceivedCommandWith(PutSecretValueCommand, {
      SecretId: 'handshake/dev/token-keys',
      SecretString: 'new',
    });
    expect(afterPut).toBe('new');
    expect(cachedAgain).toBe('new');
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('turns a failed write into an UnavailableError', async () => {
    // Prepare
    sm.on(PutSecretValueCommand).rejects(throttling());

    // Act
    const error = await rejection(source().put('admin-key', 'hsa_new'));

    // Assess
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).not.toContain('hsa_new');
  });

  it('does not cache what a read that started before a write got', async () => {
    // Prepare: the first read answers only after the write went through
    let answer: (value: { SecretString: string }) => void = () => {};
    sm.on(GetSecretValueCommand)
      .callsFakeOnce(() => new Promise((resolve) => (answer = resolve)))
      .resolves({ SecretString: 'new' });
    sm.on(PutSecretValueCommand).resolves({});
    const secrets = source();
    const slow = secrets.get('token-keys');
    await new Promise((resolve) => setImmediate(resolve));

    // Act
    await secrets.put('token-keys', 'new');
    answer({ SecretString: 'old' });
    const raced = await slow;
    const next = await secrets.get('token-keys');

    // Assess
    expect([raced, next]).toEqual(['old', 'new']);
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 2);
  });

  it('answers undefined for an empty secret, and caches that too', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '' });
    const secrets = source();
    expect([await secrets.get('webhook-signing'), await secrets.get('webhook-signing')]).toEqual([
      undefined,
      undefined,
    ]);
    expect(sm).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('says the stage must be deployed when writing a secret that does not exist', async () => {
    // Prepare
    sm.on(PutSecretValueCommand).rejects(notFound());

    // Act
    const error = await rejection(source().put('admin-key', 'hsa_new'));

    // Assess
    expect(error).not.toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/handshake\/dev\/admin-key does not exist/);
  });
});

describe('awsSecretsClient', () => {
  it('creates one client per region and reuses it', async () => {
    // Act
    const first = awsSecretsClient('eu-central-1');
    const second = awsSecretsClient('eu-central-1');

    // Assess
    expect(second).toBe(first);
    await expect(first.config.region()).resolves.toBe('eu-central-1');
  });
});
