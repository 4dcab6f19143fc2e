import * as z from 'zod';
import type { FieldRules } from '../zod-problems';

/** `#rrggbb`: the only colour form the pages take, so the contrast check needs no colour parser. */
export const ACCENT_COLOR = /^#[0-9A-Fa-f]{6}$/;

/** How the connect and callback pages look: the logo file is checked apart (load/branding.ts). */
const brandingSchema = z.strictObject({
  logo: z.string().min(1).optional(),
  accent_color: z.string().regex(ACCENT_COLOR).optional(),
});

/** handshake.json: Handshake's own app-level settings. */
export const appMetaSchema = z.strictObject({
  name: z.string().min(1).optional(),
  branding: brandingSchema.optional(),
});

export type AppMetaInput = z.infer<typeof appMetaSchema>;
export type BrandingInput = z.infer<typeof brandingSchema>;

/** What a logo may be: one sentence, shared by the schema's messages and the file's checks. */
export const LOGO_ALLOWED =
  'the path of a PNG, JPEG, WebP or SVG file inside the app folder, of at most 12 KiB (shown at 48 px), e.g. assets/logo.svg';

export const APP_META_RULES: FieldRules = {
  '': { allowed: 'an object with name, branding', keys: 'name, branding' },
  name: { allowed: 'a non-empty string' },
  // At the top level by mistake: say where they go.
  logo: {
    allowed: LOGO_ALLOWED,
    message: 'logo belongs under branding: "branding": { "logo": "assets/logo.svg" }',
  },
  accent_color: {
    allowed: 'a colour of six hex digits',
    message: 'accent_color belongs under branding: "branding": { "accent_color": "#0a7c5a" }',
  },
  branding: { allowed: 'an object with logo, accent_color', keys: 'logo, accent_color' },
  'branding.logo': { allowed: LOGO_ALLOWED },
  'branding.accent_color': { allowed: 'a colour of six hex digits, e.g. "#0a7c5a"' },
};
