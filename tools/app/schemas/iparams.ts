import * as z from 'zod';
import { IPARAM_TYPES } from '../../../lib/app/iparams-model';
import type { FieldRules } from '../zod-problems';

/** The attributes FDK documents for an iparam; others are reported as warnings. */
export const IPARAM_KEYS = [
  'display_name',
  'description',
  'type',
  'required',
  'secure',
  'options',
  'default_value',
  'type_attributes',
  'visible',
  'events',
  'regex',
  'modules',
  'data-bind',
] as const;

/** FDK's `{ "label", "value" }` option: the label is shown, the value stored. */
const labelledOption = z.strictObject({ label: z.string(), value: z.union([z.string(), z.number()]) });

/** FDK's regex object, `{ "NAME": "pattern", "NAME-error": "message" }`, or one pattern. */
const regexSchema = z.union([z.string(), z.record(z.string(), z.string())]);

export const iparamSchema = z.looseObject({
  display_name: z.string(),
  description: z.string().optional(),
  type: z.enum(IPARAM_TYPES),
  required: z.boolean().optional(),
  secure: z.boolean().optional(),
  options: z.array(z.union([z.string(), z.number(), labelledOption])).optional(),
  default_value: z.unknown().optional(),
  regex: regexSchema.optional(),
  // Other type attributes (`product` of a domain or api_key field) mean nothing off-platform.
  type_attributes: z.looseObject({ regex: regexSchema.optional() }).optional(),
});

export type IparamInput = z.infer<typeof iparamSchema>;

/** What of an iparam passed the schema (see parseSalvaging). */
export const iparamPartsSchema = iparamSchema.partial();

export const IPARAM_RULES: FieldRules = {
  '': {
    allowed:
      'an object with display_name, type and optionally description, required, secure, options, default_value, regex',
  },
  display_name: { allowed: 'a string' },
  description: { allowed: 'a string' },
  type: { allowed: IPARAM_TYPES.join(', ') },
  required: { allowed: 'true or false' },
  secure: { allowed: 'true or false' },
  options: { allowed: 'an array of strings, numbers or { "label", "value" } objects' },
  'options.*': { allowed: 'a string, a number or { "label": string, "value": string or number }' },
  regex: { allowed: 'an object of pattern names to patterns, with "NAME-error" messages' },
  'regex.*': { allowed: 'a string' },
  type_attributes: { allowed: 'an object' },
  'type_attributes.regex': { allowed: 'an object of pattern names to patterns, with "NAME-error" messages' },
};
