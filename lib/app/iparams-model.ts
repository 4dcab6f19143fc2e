import type { IparamPattern } from './iparam-pattern';

/** The installation parameters of config/iparams.json, and the connect form's oauth_iparams. */
export const IPARAM_TYPES = [
  'text',
  'paragraph',
  'dropdown',
  'email',
  'number',
  'phone_number',
  'url',
  'radio',
  'checkbox',
  'multiselect',
  'date',
  'domain',
  'api_key',
] as const;
export type IparamType = (typeof IPARAM_TYPES)[number];

/** The iparam types whose value is a string; the only ones an oauth_iparams field may have. */
export const TEXT_IPARAM_TYPES = [
  'text',
  'paragraph',
  'email',
  'url',
  'phone_number',
  'domain',
  'date',
  'api_key',
] as const;
export type TextIparamType = (typeof TEXT_IPARAM_TYPES)[number];

/** The types whose value is chosen from `options`. */
export const CHOICE_IPARAM_TYPES = ['dropdown', 'radio', 'multiselect'] as const;

export interface IparamField {
  readonly name: string;
  readonly displayName: string;
  readonly description?: string;
  readonly type: IparamType;
  readonly required: boolean;
  /** Encrypted at rest; usable in request headers only. */
  readonly secure: boolean;
  /** The values to choose from: FDK's `{ "label", "value" }` options are kept as their value. */
  readonly options?: readonly unknown[];
  /**
   * FDK's `label` of each option, by index, when any option is a `{ label, value }` object: what
   * a form shows (lib/console/iparams-form.ts). Absent: each option is shown as its value.
   */
  readonly optionLabels?: readonly string[];
  /** Used when an installation is created without this field. */
  readonly defaultValue?: unknown;
  /** FDK's `regex` and `type_attributes.regex`: a given value must match each one. */
  readonly patterns?: readonly IparamPattern[];
}

/** A field of the connect form, filled in before the handshake. */
export interface OAuthIparamField {
  readonly name: string;
  readonly displayName: string;
  readonly description?: string;
  readonly type: TextIparamType;
  readonly required: boolean;
}
