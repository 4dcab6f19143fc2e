import { randomBytes } from 'node:crypto';

/**
 * The auth events Handshake sends to the app's backend (SPEC §2, docs/webhooks.md). The body
 * of every event names who it is about and what state the account is in now — never a token,
 * a client secret or an API key.
 */
export type AuthEventType =
  | 'account.authorized'
  | 'account.refresh_failing'
  | 'account.reauthorization_required'
  | 'account.recovered'
  | 'account.disconnected'
  | 'installation.deleted'
  | 'webhook.test';

export type AuthEventStatus =
  | 'authorized'
  | 'failing'
  | 'reauthorization_required'
  | 'disconnected'
  | 'deleted'
  | 'test';

export interface AuthEvent {
  /** `evt_` + 26 base32 characters; the same id on every retry, so receivers can de-duplicate. */
  readonly id: string;
  readonly type: AuthEventType;
  /** When it happened (ISO 8601), not when it was sent. */
  readonly time: string;
  readonly installation: string;
  /** null for events about the whole installation. */
  readonly integration: string | null;
  readonly account: string | null;
  readonly status: AuthEventStatus;
  /** Type-specific details: the provider's error code, since when it fails, … */
  readonly data: Readonly<Record<string, unknown>>;
}

const BASE32_LOWER = 'abcdefghijklmnopqrstuvwxyz234567';

/** 130 random bits: unique without coordination between containers. */
export function newEventId(): string {
  // 256 is a multiple of 32, so masking each byte keeps every character equally likely.
  return `evt_${Array.from(randomBytes(26), (byte) => BASE32_LOWER.charAt(byte & 31)).join('')}`;
}

/** Whether `value` has the shape of an id from `newEventId`. */
export const isEventId = (value: string): boolean => /^evt_[a-z2-7]{26}$/.test(value);

export interface AccountSubject {
  readonly installationId: string;
  readonly integration: string;
  readonly account: string;
}

/** Sent once the installation and every record of it are gone; lists the accounts it had. */
export function installationDeleted(
  installationId: string,
  accounts: readonly AccountSubject[],
  at: string,
): AuthEvent {
  return {
    id: newEventId(),
    type: 'installation.deleted',
    time: at,
    installation: installationId,
    integration: null,
    account: null,
    status: 'deleted',
    data: { accounts: accounts.map(({ integration, account }) => ({ integration, account })) },
  };
}

/** The event as sent: these exact bytes are signed and POSTed. */
export const eventBody = (event: AuthEvent): string => JSON.stringify(event);
