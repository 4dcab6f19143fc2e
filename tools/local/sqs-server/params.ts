import { invalidParameter, missingParameter, queueDoesNotExist } from './errors';
import type { Queue } from './queue';
import { ACCOUNT_ID } from './queue-attributes';
import type { QueueStore } from './store';

export type Input = Readonly<Record<string, unknown>>;

/** What every action gets: the queues, the base URL queue URLs are built on, and the server's shutdown signal. */
export interface ActionContext {
  readonly store: QueueStore;
  readonly baseUrl: string;
  readonly signal: AbortSignal;
}

export function requireString(input: Input, name: string): string {
  const value = input[name];
  if (value === undefined || value === null || value === '') throw missingParameter(name);
  if (typeof value !== 'string') throw invalidParameter(name, value);
  return value;
}

export function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(name, value);
  return value;
}

export function optionalInteger(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalidParameter(name, value, `Must be between ${min} and ${max}, if provided.`);
  return value;
}

export function stringList(input: Input, name: string): string[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    throw invalidParameter(name, value);
  return value;
}

export function stringMap(input: Input, name: string): Record<string, unknown> {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidParameter(name, value);
  return value as Record<string, unknown>;
}

export function objectList(input: Input, name: string): Input[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (
    !Array.isArray(value) ||
    !value.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))
  )
    throw invalidParameter(name, value);
  return value as Input[];
}

/** The queue a request names: its QueueUrl resolved by the last path segment, as SQS does. */
export function queueOf(context: ActionContext, input: Input): Queue {
  const url = requireString(input, 'QueueUrl');
  const name = url.replace(/\/+$/, '').split('/').pop();
  if (name === undefined || name === '') throw queueDoesNotExist();
  return context.store.get(name);
}

export const queueUrl = (context: ActionContext, name: string): string =>
  `${context.baseUrl}/${ACCOUNT_ID}/${name}`;
