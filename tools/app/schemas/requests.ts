import * as z from 'zod';
import type { FieldRules } from '../zod-problems';
import { rateLimitRules, rateLimitSchema } from './rate-limit';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const stringMap = z.record(z.string(), z.string());
/** FDK sends a number or boolean in `query` as its text (`"limit": 1` is `limit=1`). */
const queryMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

// FDK's upload shapes: a file is `{ ref }`, which names the file the invoke carries.
const fileRef = z.strictObject({ ref: z.string() });
const formDataSchema = z.strictObject({
  fields: stringMap.optional(),
  files: z.record(z.string(), fileRef).optional(),
});

const schemaSchema = z.strictObject({
  method: z.enum(HTTP_METHODS),
  protocol: z.enum(['https', 'http']).optional(),
  host: z.string(),
  // FDK's default: a template without a path calls `/`.
  path: z.string().optional(),
  headers: stringMap.optional(),
  query: queryMap.optional(),
  formData: formDataSchema.optional(),
  file: fileRef.optional(),
  // Listed so that its message can say why: the body comes with each invoke.
  body: z.undefined().optional(),
});

const securitySchema = z.strictObject({
  ca: z.string().optional(),
  cert: z.string().optional(),
  key: z.string().optional(),
  passphrase: z.string().optional(),
});

const optionsSchema = z.strictObject({
  oauth: z.string().optional(),
  isOAuth: z.boolean().optional(),
  maxAttempts: z.int().min(1).max(5).optional(),
  retryDelay: z.int().min(0).max(1500).optional(),
  security: securitySchema.optional(),
  rate_limit: rateLimitSchema.optional(),
});

/** One entry of config/requests.json. */
export const requestTemplateSchema = z.strictObject({
  schema: schemaSchema,
  options: optionsSchema.optional(),
});

export type RequestTemplateInput = z.infer<typeof requestTemplateSchema>;

/** What of a template passed the schema (see parseSalvaging): any field may be missing. */
export const requestTemplatePartsSchema = z.strictObject({
  schema: schemaSchema.partial().optional(),
  options: optionsSchema.optional(),
});

export type RequestTemplateParts = z.infer<typeof requestTemplatePartsSchema>;

const SCHEMA_KEYS = 'method, protocol, host, path, headers, query, formData, file';
const FILE_REF = 'an object { "ref": "<%= context.NAME %>" } naming a file of the invoke\'s files';

export const REQUEST_TEMPLATE_RULES: FieldRules = {
  '': { allowed: 'an object with schema and options', keys: 'schema, options' },
  schema: { allowed: `an object with ${SCHEMA_KEYS}`, keys: SCHEMA_KEYS },
  'schema.method': { allowed: HTTP_METHODS.join(', ') },
  'schema.protocol': { allowed: 'https, or http for destinations on the egress allow list' },
  'schema.host': { allowed: 'a domain name, optionally with :port' },
  'schema.path': { allowed: 'a path starting with / (default /), optionally with a ?query' },
  'schema.headers': { allowed: 'an object of header names to string values' },
  'schema.headers.*': { allowed: 'a string' },
  'schema.query': { allowed: 'an object of parameter names to string, number or boolean values' },
  'schema.query.*': { allowed: 'a string, a number or a boolean' },
  'schema.formData': {
    allowed: 'an object with fields (name to text) and files (name to { ref })',
    keys: 'fields, files',
  },
  'schema.formData.fields': { allowed: 'an object of field names to string values' },
  'schema.formData.fields.*': { allowed: 'a string' },
  'schema.formData.files': { allowed: 'an object of field names to { ref } objects' },
  'schema.formData.files.*': { allowed: FILE_REF, keys: 'ref' },
  'schema.formData.files.*.ref': { allowed: 'a string' },
  'schema.file': { allowed: FILE_REF, keys: 'ref' },
  'schema.file.ref': { allowed: 'a string' },
  'schema.body': {
    message: 'there is no body in the schema: the body comes with each invoke',
    allowed: SCHEMA_KEYS,
  },
  options: {
    allowed: 'an object with oauth, isOAuth, maxAttempts, retryDelay, security, rate_limit',
    keys: 'oauth, isOAuth, maxAttempts, retryDelay, security, rate_limit',
  },
  'options.security': {
    allowed: 'an object with ca, cert, key, passphrase, each "<%= iparam.NAME %>" of a secure iparam',
    keys: 'ca, cert, key, passphrase',
  },
  'options.security.*': { allowed: '"<%= iparam.NAME %>" naming a secure iparam that holds the PEM text' },
  'options.oauth': { allowed: 'the name of an integration in config/oauth_config.json' },
  'options.isOAuth': { allowed: 'true or false' },
  'options.maxAttempts': { allowed: 'a whole number from 1 to 5' },
  'options.retryDelay': { allowed: 'a whole number of milliseconds from 0 to 1500' },
  ...rateLimitRules('options.rate_limit'),
};
