/**
 * `npm run check:template -- <template.json>…`: a packaged CloudFormation template checked
 * against the CloudFormation registry's own resource schemas (@aws-cdk/aws-service-spec, the
 * AWS CDK's database of them, pinned): every resource type known; every property known, of
 * its type, and the required ones present, nested types included; every Ref, Fn::GetAtt
 * (attribute included), Fn::Sub variable and DependsOn naming something that exists; and
 * CloudFormation's size limits. It stands in for cfn-lint's errors, which this project's
 * machines cannot install (docs/DECISIONS.md, "Issue 21: checking the template").
 */
import { readFileSync } from 'node:fs';
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { PropertyType, Resource, ResourceProperties, SpecDatabase } from '@aws-cdk/service-spec-types';

export interface Template {
  readonly Parameters?: Record<string, unknown>;
  readonly Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; DependsOn?: unknown }
  >;
  readonly Outputs?: Record<string, { Value?: unknown; Export?: { Name?: unknown } }>;
}

/** CloudFormation's quotas (a template body uploaded to S3). */
export const LIMITS = { bytes: 1_000_000, resources: 500, outputs: 200 } as const;
const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

type Json = unknown;
const isObject = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** `{ "Ref": … }`, `{ "Fn::…": … }`: its type is what it resolves to, known only at deploy. */
const isIntrinsic = (value: Json): boolean => {
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0] ?? '').startsWith('Fn::'));
};

const numeric = (value: Json) =>
  typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));
/** CloudFormation reads a number where a string is due, and "true" where a boolean is. */
const SCALARS: Readonly<
  Record<string, { readonly takes: (value: Json) => boolean; readonly expected: string }>
> = {
  string: { takes: (value) => typeof value === 'string' || typeof value === 'number', expected: 'a string' },
  'date-time': { takes: (value) => typeof value === 'string', expected: 'a date' },
  number: { takes: numeric, expected: 'a number' },
  integer: { takes: numeric, expected: 'a number' },
  boolean: {
    takes: (value) => typeof value === 'boolean' || value === 'true' || value === 'false',
    expected: 'true or false',
  },
};
const TAG: ResourceProperties = {
  Key: { type: { type: 'string' }, required: true },
  Value: { type: { type: 'string' }, required: true },
};

class Checker {
  readonly problems: string[] = [];
  private readonly names: Set<string>;

  constructor(
    private readonly db: SpecDatabase,
    private readonly template: Template,
  ) {
    this.names = new Set([...Object.keys(template.Resources), ...Object.keys(template.Parameters ?? {})]);
  }

  resourceType(type: string): Resource | undefined {
    return this.db.lookup('resource', 'cloudFormationType', 'equals', type)[0];
  }

  checkValue(where: string, type: PropertyType, value: Json): void {
    if (isIntrinsic(value)) return;
    const scalar = SCALARS[type.type];
    if (scalar !== undefined) {
      if (!scalar.takes(value))
        this.problems.push(`${where}: ${scalar.expected} is expected, not ${JSON.stringify(value)}`);
      return;
    }
    switch (type.type) {
      case 'array':
        if (!Array.isArray(value)) this.problems.push(`${where}: a list is expected`);
        else
          for (const [index, item] of value.entries())
            this.checkValue(`${where}[${index}]`, type.element, item);
        return;
      case 'map':
        if (!isObject(value)) this.problems.push(`${where}: an object is expected`);
        else
          for (const [key, item] of Object.entries(value))
            this.checkValue(`${where}.${key}`, type.element, item);
        return;
      case 'tag':
        this.checkProperties(where, TAG, value);
        return;
      case 'ref':
        this.checkProperties(where, this.db.get('typeDefinition', type.reference).properties, value);
        return;
      case 'union':
        this.checkUnion(where, type.types, value);
        return;
      default:
        return; // json, null: any value
    }
  }

  /** A union holds when one of its members takes the value without a problem. */
  private checkUnion(where: string, types: readonly PropertyType[], value: Json): void {
    const before = this.problems.length;
    for (const member of types) {
      this.checkValue(where, member, value);
      if (this.problems.length === before) return;
      this.problems.length = before;
    }
    this.problems.push(`${where}: ${JSON.stringify(value)} is none of the types allowed here`);
  }

  checkProperties(where: string, properties: ResourceProperties, value: Json): void {
    if (!isObject(value)) {
      if (!isIntrinsic(value)) this.problems.push(`${where}: an object is expected`);
      return;
    }
    for (const [name, property] of Object.entries(properties)) {
      if (property.required === true && !(name in value)) this.problems.push(`${where}: ${name} is required`);
    }
    for (const [name, item] of Object.entries(value)) {
      const property = properties[name];
      if (property === undefined) this.problems.push(`${where}: ${name} is not a property here`);
      else this.checkValue(`${where}.${name}`, property.type, item);
    }
  }

  /** Every Ref, Fn::GetAtt and Fn::Sub variable in `value` names something of this template. */
  checkReferences(where: string, value: Json): void {
    if (Array.isArray(value)) {
      for (const item of value) this.checkReferences(where, item);
      return;
    }
    if (!isObject(value)) return;
    for (const [key, item] of Object.entries(value)) {
      if (key === 'Ref' && typeof item === 'string') this.checkName(where, item, 'Ref');
      else if (key === 'Fn::GetAtt') this.checkGetAtt(where, item);
      else if (key === 'Fn::Sub') this.checkSub(where, item);
      this.checkReferences(where, item);
    }
  }

  private checkName(where: string, name: string, how: string): void {
    if (!this.names.has(name) && !PSEUDO.has(name))
      this.problems.push(`${where}: ${how} names "${name}", which is not in the template`);
  }

  private checkGetAtt(where: string, value: Json): void {
    const [name, attribute] = Array.isArray(value) ? value : String(value).split(/\.(.*)/);
    const resource = this.template.Resources[String(name)];
    if (resource === undefined) {
      this.problems.push(`${where}: Fn::GetAtt names "${String(name)}", which is not a resource here`);
      return;
    }
    const spec = this.resourceType(resource.Type);
    if (spec !== undefined && typeof attribute === 'string' && !(attribute in spec.attributes))
      this.problems.push(`${where}: ${resource.Type} has no attribute ${attribute}`);
  }

  private checkSub(where: string, value: Json): void {
    const [text, variables] = Array.isArray(value) ? value : [value, {}];
    const own = new Set(isObject(variables) ? Object.keys(variables) : []);
    for (const [, reference = ''] of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
      const name = reference.split('.')[0] ?? '';
      if (!own.has(name)) this.checkName(where, name, 'Fn::Sub');
    }
  }
}

function checkResources(checker: Checker, template: Template): void {
  for (const [id, resource] of Object.entries(template.Resources)) {
    const where = `Resources.${id}`;
    const spec = checker.resourceType(resource.Type);
    if (spec === undefined && !resource.Type.startsWith('Custom::'))
      checker.problems.push(`${where}: no resource type ${resource.Type}`);
    if (spec !== undefined)
      checker.checkProperties(`${where}.Properties`, spec.properties, resource.Properties ?? {});
    for (const target of [resource.DependsOn ?? []].flat()) {
      if (template.Resources[String(target)] === undefined)
        checker.problems.push(`${where}: DependsOn names "${String(target)}", which is not a resource here`);
    }
    checker.checkReferences(where, resource.Properties ?? {});
  }
}

/** What is wrong with `template`, one line each; none when CloudFormation would take it. */
export function checkTemplate(template: Template, db: SpecDatabase = loadAwsServiceSpecSync()): string[] {
  const checker = new Checker(db, template);
  const bytes = Buffer.byteLength(JSON.stringify(template));
  if (bytes > LIMITS.bytes)
    checker.problems.push(`the template has ${bytes} bytes, more than ${LIMITS.bytes}`);
  const resources = Object.keys(template.Resources).length;
  if (resources > LIMITS.resources)
    checker.problems.push(`${resources} resources, more than ${LIMITS.resources}`);
  checkResources(checker, template);
  const outputs = Object.entries(template.Outputs ?? {});
  if (outputs.length > LIMITS.outputs)
    checker.problems.push(`${outputs.length} outputs, more than ${LIMITS.outputs}`);
  for (const [id, output] of outputs) {
    if (output.Value === undefined) checker.problems.push(`Outputs.${id}: Value is required`);
    checker.checkReferences(`Outputs.${id}`, output);
  }
  return checker.problems;
}

function main(files: readonly string[]): number {
  if (files.length === 0) {
    console.error(
      'usage: npm run check:template -- <template.json>… (e.g. .serverless/cloudformation-template-update-stack.json)',
    );
    return 2;
  }
  const db = loadAwsServiceSpecSync();
  let failed = 0;
  for (const file of files) {
    const problems = checkTemplate(JSON.parse(readFileSync(file, 'utf8')) as Template, db);
    for (const problem of problems) console.log(`${file}: ${problem}`);
    console.log(`${file}: ${problems.length === 0 ? 'no problems' : `${problems.length} problems`}`);
    if (problems.length > 0) failed++;
  }
  return failed > 0 ? 1 : 0;
}

if (process.argv[1]?.endsWith('template-check.ts')) process.exitCode = main(process.argv.slice(2));
