import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import table from '../../infra/table.json';
import { REPO_ROOT } from '../support/local-env';
import { readServerlessFile } from '../support/serverless-file';

const file = readServerlessFile();

describe('serverless.yml', () => {
  it('deploys on the nodejs22.x runtime', () => {
    expect(file.provider.runtime).toBe('nodejs22.x');
  });

  it.each(Object.entries(file.functions))(
    'function %s has a handler file, HTTP/schedule events and a payload',
    (name, fn) => {
      const [modulePath, exportName] = fn.handler.split('.');
      expect(existsSync(join(REPO_ROOT, `${modulePath}.ts`))).toBe(true);
      expect(readFileSync(join(REPO_ROOT, `${modulePath}.ts`), 'utf8')).toContain(
        `export const ${exportName}`,
      );
      expect(fn.events?.length ?? 0).toBeGreaterThan(0);
      expect(existsSync(join(REPO_ROOT, 'events', `${name}.json`))).toBe(true);
    },
  );

  it('builds the table from infra/table.json, with TTL and the refresh index', () => {
    const props = file.resources.Resources.HandshakeTable?.Properties ?? {};
    for (const key of [
      'AttributeDefinitions',
      'KeySchema',
      'GlobalSecondaryIndexes',
      'TimeToLiveSpecification',
    ]) {
      expect(props[key]).toBe(`\${file(./infra/table.json):${key}}`);
    }
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'ttl', Enabled: true });
    expect(table.GlobalSecondaryIndexes.map((i) => i.IndexName)).toContain('byRefreshDue');
  });

  it('lets Secrets Manager generate every secret value: none is written in the template', () => {
    const secrets = Object.values(file.resources.Resources).filter(
      (r) => r.Type === 'AWS::SecretsManager::Secret',
    );
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) {
      const literal = secret.Properties.SecretString;
      expect(literal === undefined || literal === '{}').toBe(true);
      if (literal === undefined) expect(secret.Properties.GenerateSecretString).toBeDefined();
    }
  });

  it('grants no wildcard action and names its resources', () => {
    for (const statement of file.provider.iam.role.statements) {
      for (const action of statement.Action) expect(action).not.toMatch(/\*/);
      expect(statement.Resource).not.toContain('*');
    }
  });
});
