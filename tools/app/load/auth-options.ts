import { AUTHORIZE_PROTOCOL_PARAMS } from '../../../lib/app/model';
import { isRecord } from '../../../lib/app/record';
import { child, describeValue, type ProblemSink, type Where } from '../problems';

const RESERVED: readonly string[] = AUTHORIZE_PROTOCOL_PARAMS;

export interface AuthOptions {
  readonly options: Readonly<Record<string, string>>;
  readonly customHeaders: Readonly<Record<string, string>>;
}

type Scalar = string | number | boolean;
const isScalar = (value: unknown): value is Scalar =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

function readCustomHeaders(value: unknown, where: Where, sink: ProblemSink): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!isRecord(value)) {
    sink.error(
      where,
      `customHeaders is ${describeValue(value)}`,
      'an object of header names to string values',
    );
    return headers;
  }
  for (const [name, headerValue] of Object.entries(value)) {
    if (typeof headerValue === 'string') headers[name] = headerValue;
    else sink.error(child(where, name), `header ${name} is ${describeValue(headerValue)}`, 'a string');
  }
  return headers;
}

/** One option as the query parameter it becomes, or undefined (reported) when it cannot be one. */
function optionValue(
  key: string,
  value: unknown,
  separator: string,
  where: Where,
  sink: ProblemSink,
): string | undefined {
  if (isScalar(value)) return String(value);
  if (Array.isArray(value) && value.every(isScalar)) {
    const joined = value.map(String).join(separator);
    sink.warning(
      where,
      `option ${key} is an array; it is sent as one parameter ${describeValue(joined)}`,
      'a string, number or boolean',
    );
    return joined;
  }
  sink.error(
    where,
    `option ${key} is ${describeValue(value)}`,
    'a string, number, boolean or an array of them',
  );
  return undefined;
}

/**
 * Splits an integration's `options` into authorization-request parameters and `customHeaders`
 * (token-endpoint headers). `where` is the path of `options`.
 */
export function readAuthOptions(
  raw: Readonly<Record<string, unknown>> | undefined,
  separator: string,
  where: Where,
  sink: ProblemSink,
): AuthOptions {
  const options: Record<string, string> = {};
  let customHeaders: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw ?? {})) {
    const at = child(where, key);
    if (key === 'customHeaders') {
      customHeaders = readCustomHeaders(value, at, sink);
    } else if (RESERVED.includes(key)) {
      sink.error(
        at,
        `option ${key} would replace a parameter Handshake sets itself`,
        `any key except ${RESERVED.join(', ')}`,
      );
    } else {
      const text = optionValue(key, value, separator, at, sink);
      if (text !== undefined) options[key] = text;
    }
  }
  return { options, customHeaders };
}
