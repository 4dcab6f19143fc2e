import * as z from 'zod';
import type { FieldRules } from '../zod-problems';

/** handshake.json: Handshake's own app-level settings. */
export const appMetaSchema = z.strictObject({ name: z.string().min(1).optional() });

export const APP_META_RULES: FieldRules = {
  '': { allowed: 'an object with name', keys: 'name' },
  name: { allowed: 'a non-empty string' },
};
