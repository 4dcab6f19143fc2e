import * as z from 'zod';
import { TEXT_IPARAM_TYPES } from '../../../lib/app/iparams-model';
import type { FieldRules } from '../zod-problems';

/** The FDK attributes of an integration; unknown ones are reported as warnings, not by this schema. */
export const INTEGRATION_KEYS = [
  'display_name',
  'client_id',
  'client_secret',
  'authorize_url',
  'token_url',
  'options',
  'token_type',
  'oauth_iparams',
  'handshake',
] as const;

export const integrationSchema = z.looseObject({
  display_name: z.string().optional(),
  client_id: z.string(),
  client_secret: z.string(),
  // Required but for token_type "client" (integration.ts says so).
  authorize_url: z.string().optional(),
  token_url: z.string(),
  options: z.record(z.string(), z.unknown()).optional(),
  token_type: z.enum(['account', 'agent', 'client']),
  oauth_iparams: z.record(z.string(), z.unknown()).optional(),
  // Checked on its own (handshake.ts) so that its problems carry their own paths.
  handshake: z.unknown().optional(),
});

export type IntegrationInput = z.infer<typeof integrationSchema>;

/** What of an integration passed the schema (see parseSalvaging). */
export const integrationPartsSchema = integrationSchema.partial();

export type IntegrationParts = z.infer<typeof integrationPartsSchema>;

export const INTEGRATION_RULES: FieldRules = {
  '': { allowed: `an object with ${INTEGRATION_KEYS.join(', ')}` },
  display_name: { allowed: 'a string' },
  client_id: { allowed: 'a string (may use <%= oauth_iparams.NAME %>)' },
  client_secret: { allowed: 'a string (may use <%= oauth_iparams.NAME %>)' },
  authorize_url: { allowed: 'an absolute https URL (may use <%= oauth_iparams.NAME %>)' },
  token_url: { allowed: 'an absolute https URL (may use <%= oauth_iparams.NAME %>)' },
  options: { allowed: 'an object of authorization request parameters' },
  token_type: { allowed: 'account, agent, client' },
  oauth_iparams: { allowed: 'an object of field names to field definitions' },
};

export const OAUTH_IPARAM_KEYS = ['display_name', 'description', 'type', 'required'] as const;

export const oauthIparamSchema = z.looseObject({
  display_name: z.string(),
  description: z.string().optional(),
  type: z.enum(TEXT_IPARAM_TYPES),
  required: z.boolean().optional(),
});

export const OAUTH_IPARAM_RULES: FieldRules = {
  '': { allowed: 'an object with display_name, description, type, required' },
  display_name: { allowed: 'a string' },
  description: { allowed: 'a string' },
  type: { allowed: TEXT_IPARAM_TYPES.join(', ') },
  required: { allowed: 'true or false' },
};
