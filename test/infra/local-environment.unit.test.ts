import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildFolderOf,
  dataDirOf,
  LOCAL_EGRESS_ALLOW,
  localEnvironment,
  readRecord,
  writeRecord,
} from '../../infra/local-environment.cjs';

const instance = {
  stage: 'dev',
  dataDir: '/tmp/hs',
  dynamodbEndpoint: 'http://127.0.0.1:8123',
  port: 3100,
  publicUrl: 'http://localhost:3100',
};

describe('the local environment of npm start and invoke local', () => {
  it('resolves the data dir against the directory the command was typed in', () => {
    expect(dataDirOf({}, '/repo')).toBe('/repo/.handshake');
    expect(dataDirOf({ HANDSHAKE_DATA_DIR: 'data/one' }, '/repo')).toBe('/repo/data/one');
    expect(dataDirOf({ HANDSHAKE_DATA_DIR: '/var/hs' }, '/repo')).toBe('/var/hs');
    expect(dataDirOf({ HANDSHAKE_DATA_DIR: '  ' }, '/repo')).toBe('/repo/.handshake');
  });

  it('gives each data dir a build folder of its own, the same on every start', () => {
    expect(buildFolderOf('/repo/.handshake')).toBe(buildFolderOf('/repo/.handshake'));
    expect(buildFolderOf('/repo/.handshake')).not.toBe(buildFolderOf('/repo/other'));
    expect(buildFolderOf('/repo/.handshake')).toMatch(/^local-[0-9a-f]{12}$/);
  });

  it("is the instance's state, with the user's egress list and region kept", () => {
    expect(localEnvironment({}, instance)).toMatchObject({
      HANDSHAKE_LOCAL: '1',
      HANDSHAKE_TABLE: 'handshake-dev',
      HANDSHAKE_DATA_DIR: '/tmp/hs',
      HANDSHAKE_SECRET_SOURCE: 'file',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8123',
      PUBLIC_URL: 'http://localhost:3100',
      PORT: '3100',
      HANDSHAKE_EGRESS_ALLOW: LOCAL_EGRESS_ALLOW,
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    expect(
      localEnvironment(
        { HANDSHAKE_EGRESS_ALLOW: '', AWS_REGION: 'eu-west-1', POWERTOOLS_METRICS_DISABLED: 'false' },
        instance,
      ),
    ).toMatchObject({
      HANDSHAKE_EGRESS_ALLOW: '',
      AWS_REGION: 'eu-west-1',
      POWERTOOLS_METRICS_DISABLED: 'false',
    });
  });

  it('fans the refresh out to the local queues only when the instance runs them', () => {
    expect(localEnvironment({}, instance)).toMatchObject({
      HANDSHAKE_REFRESH_FAN_OUT: 'off',
      HANDSHAKE_REFRESH_QUEUES: '{}',
    });
    expect(localEnvironment({}, instance).AWS_ENDPOINT_URL_SQS).toBeUndefined();
    const queues = { hubspot: 'http://127.0.0.1:9324/000000000000/handshake-dev-refresh-hubspot' };
    expect(
      localEnvironment({}, { ...instance, refresh: { sqsEndpoint: 'http://127.0.0.1:9324', queues } }),
    ).toMatchObject({
      HANDSHAKE_REFRESH_FAN_OUT: 'on',
      HANDSHAKE_REFRESH_QUEUES: JSON.stringify(queues),
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324',
    });
  });

  it('reads back the record npm start writes, and says why another is unusable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-record-'));
    try {
      expect(readRecord(dir).problem).toContain('there is no');
      const { dataDir: _dir, ...record } = instance;
      writeRecord(dir, record);
      expect(readRecord(dir)).toEqual({ record });
      const withQueues = {
        ...record,
        refresh: { sqsEndpoint: 'http://127.0.0.1:9324', queues: { crm: 'http://q' } },
      };
      writeRecord(dir, withQueues);
      expect(readRecord(dir)).toEqual({ record: withQueues });
      writeFileSync(join(dir, 'local.json'), JSON.stringify({ ...record, refresh: { queues: { crm: 1 } } }));
      expect(readRecord(dir).problem).toContain('older version');
      writeFileSync(join(dir, 'local.json'), '{"dynamodbEndpoint":"http://127.0.0.1:8000","port":3000}');
      expect(readRecord(dir).problem).toContain('older version');
      writeFileSync(join(dir, 'local.json'), 'not json');
      expect(readRecord(dir).problem).toContain('is not JSON');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
