import { SqsError } from '../../../../tools/local/sqs-server/errors';

/** The SQS error code `run` throws, or undefined when it throws none (anything else rethrown). */
export const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    if (error instanceof SqsError) return error.code;
    throw error;
  }
  return undefined;
};
