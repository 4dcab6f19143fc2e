import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import table from '../../infra/table.json';
import { REPO_ROOT } from '../support/local-env';
import { type CfnResource, inlineResources, readServerlessFile } from '../support/serverless-file';

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
    const props = inlineResources(file).HandshakeTable?.Properties ?? {};
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
    const secrets = Object.values(inlineResources(file)).filter(
      (r) => r.Type === 'AWS::SecretsManager::Secret',
    );
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const secret of secrets) {
      const literal = secret.Properties.SecretString;
      expect(literal === undefined || literal === '{}').toBe(true);
      if (literal === undefined) expect(secret.Properties.GenerateSecretString).toBeDefined();
    }
  });

  it('gives every function its own role, defined in infra/roles.yml', () => {
    const roles = parse(readFileSync(join(REPO_ROOT, 'infra', 'roles.yml'), 'utf8'), {
      customTags: [
        { tag: '!Ref', resolve: (value: string) => value },
        { tag: '!GetAtt', resolve: (value: string) => value },
        { tag: '!Sub', resolve: (value: string) => value },
      ],
    }) as { Resources: Record<string, CfnResource> };
    const used = Object.values(file.functions).map((fn) => fn.role);
    expect(new Set(used).size).toBe(used.length);
    for (const role of used) expect(roles.Resources[role ?? '']?.Type).toBe('AWS::IAM::Role');
  });
});
