import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ConflictError, NamedError, UnavailableError } from '../errors';

/** True when a write was refused by its condition (plain or inside a transaction). */
export function isConditionFailure(error: unknown): boolean {
  if (error instanceof ConditionalCheckFailedException) return true;
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');
  }
  return false;
}

/** Index of the transaction items whose condition failed. */
export function failedConditions(error: unknown): number[] {
  if (!(error instanceof TransactionCanceledException)) return [];
  return (error.CancellationReasons ?? []).flatMap((reason, index) =>
    reason.Code === 'ConditionalCheckFailed' ? [index] : [],
  );
}

/**
 * Translates an SDK failure into a named error at the adapter boundary, so no SDK message
 * ever travels further up. Named errors pass through untouched.
 */
export function translate(error: unknown, operation: string): never {
  if (error instanceof NamedError) throw error;
  if (isConditionFailure(error)) {
    throw new ConflictError(`${operation}: the record changed meanwhile`, { cause: error });
  }
  throw new UnavailableError(`Storage is unavailable (${operation}); try again`, { cause: error });
}
