import { ConfigError, loadConfig } from '../lib/config';

describe('loadConfig', () => {
  it('has local defaults that match npm start', () => {
    const config = loadConfig({ HANDSHAKE_LOCAL: '1', HANDSHAKE_DATA_DIR: '/tmp/no-such-handshake-dir' });
    expect(config).toMatchObject({
      local: true,
      tableName: 'handshake-dev',
      dynamodbEndpoint: 'http://127.0.0.1:8000',
      secretSource: 'file',
      publicUrl: 'http://localhost:3000',
      rateLimitPerMinute: 50,
      refreshConcurrency: 32,
      egressAllow: [],
    });
  });

  it('follows PORT into PUBLIC_URL and parses the allow list', () => {
    const config = loadConfig({
      HANDSHAKE_LOCAL: '1',
      PORT: '4100',
      HANDSHAKE_EGRESS_ALLOW: ' 127.0.0.0/8, localhost:8443 ,',
    });
    expect(config.publicUrl).toBe('http://localhost:4100');
    expect(config.egressAllow).toEqual(['127.0.0.0/8', 'localhost:8443']);
  });

  it('needs the table name in AWS and uses Secrets Manager there', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/HANDSHAKE_TABLE/);
    const config = loadConfig({ HANDSHAKE_TABLE: 'handshake-prod', HANDSHAKE_STAGE: 'prod' });
    expect(config).toMatchObject({ local: false, secretSource: 'aws', secretPrefix: 'handshake/prod' });
    expect(config.dynamodbEndpoint).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['HANDSHAKE_RATE_LIMIT_PER_MINUTE', '-1'],
    ['HANDSHAKE_REFRESH_CONCURRENCY', '0'],
    ['HANDSHAKE_REFRESH_CONCURRENCY', 'many'],
    ['PUBLIC_URL', 'ftp://example.com'],
    ['HANDSHAKE_SECRET_SOURCE', 'vault'],
    ['HANDSHAKE_REFRESH_FAN_OUT', 'yes'],
    ['HANDSHAKE_REFRESH_QUEUES', '{"hubspot":'],
    ['HANDSHAKE_REFRESH_QUEUES', '["https://sqs.us-east-1.amazonaws.com/1/q"]'],
    ['HANDSHAKE_REFRESH_QUEUES', '{"hubspot":42}'],
    ['HANDSHAKE_REFRESH_QUEUES', '{"hubspot":"not a url"}'],
    ['AWS_ENDPOINT_URL_SQS', 'localhost:9324'],
  ])('names %s when it is malformed (%s)', (name, value) => {
    expect(() => loadConfig({ HANDSHAKE_LOCAL: '1', [name]: value })).toThrow(new RegExp(name));
  });

  it('refuses two integrations sharing one refresh queue, naming both', () => {
    const queue = 'https://sqs.us-east-1.amazonaws.com/1/q';
    const env = {
      HANDSHAKE_LOCAL: '1',
      HANDSHAKE_REFRESH_QUEUES: JSON.stringify({ hubspot: queue, google: queue }),
    };
    expect(() => loadConfig(env)).toThrow(
      /HANDSHAKE_REFRESH_QUEUES gives "hubspot" and "google" the same queue/,
    );
  });

  it('fans the refresh out by default in AWS only, to the queues serverless.yml names', () => {
    const queues =
      '{"hubspot":"https://sqs.us-east-1.amazonaws.com/123456789012/handshake-prod-refresh-hubspot"}';
    const deployed = loadConfig({ HANDSHAKE_TABLE: 't', HANDSHAKE_REFRESH_QUEUES: queues });
    expect(deployed.refreshFanOut).toBe(true);
    expect([...deployed.refreshQueues]).toEqual([
      ['hubspot', 'https://sqs.us-east-1.amazonaws.com/123456789012/handshake-prod-refresh-hubspot'],
    ]);
    expect(deployed.sqsEndpoint).toBeUndefined();
    expect(loadConfig({ HANDSHAKE_TABLE: 't', HANDSHAKE_REFRESH_FAN_OUT: 'off' }).refreshFanOut).toBe(false);
    const local = loadConfig({ HANDSHAKE_LOCAL: '1' });
    expect(local.refreshFanOut).toBe(false);
    expect(local.refreshQueues.size).toBe(0);
    expect(
      loadConfig({
        HANDSHAKE_LOCAL: '1',
        HANDSHAKE_REFRESH_FAN_OUT: 'on',
        AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324/',
      }).sqsEndpoint,
    ).toBe('http://127.0.0.1:9324');
  });

  it('accepts 0 to turn the rate limit off', () => {
    expect(
      loadConfig({ HANDSHAKE_LOCAL: '1', HANDSHAKE_RATE_LIMIT_PER_MINUTE: '0' }).rateLimitPerMinute,
    ).toBe(0);
  });
});
