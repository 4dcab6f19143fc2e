import type { InvokeError } from '../../../packages/client/src/index';

/** What `promise` rejected with; a failure of its own when it resolved instead. */
export const rejection = (promise: Promise<unknown>): Promise<InvokeError> =>
  promise.then(
    () => {
      throw new Error('it resolved');
    },
    (error: InvokeError) => error,
  );
