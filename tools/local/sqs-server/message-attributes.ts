import { invalidParameter, SqsError } from './errors';
import type { MessageAttributes, MessageAttributeValue } from './md5';

const MAX_ATTRIBUTES = 10;
const NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[A-Za-z0-9_.-]+)?$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function checkName(name: string): void {
  const badPeriods = name.startsWith('.') || name.endsWith('.') || name.includes('..');
  if (!NAME.test(name) || badPeriods || /^(aws\.|amazon\.)/i.test(name))
    throw invalidParameter('MessageAttributeName', name, 'Message (user) attribute name is invalid.');
}

function checkValue(name: string, value: unknown): MessageAttributeValue {
  if (typeof value !== 'object' || value === null)
    throw invalidParameter('MessageAttributes', name, 'The attribute value must be an object.');
  const { DataType, StringValue, BinaryValue } = value as Record<string, unknown>;
  if (typeof DataType !== 'string' || !DATA_TYPE.test(DataType))
    throw invalidParameter(
      'MessageAttributes',
      name,
      `The message attribute '${name}' has an invalid message attribute type.`,
    );
  const empty = `Message (user) attribute '${name}' must contain a non-empty value of message attribute type '${DataType}'.`;
  if (DataType.startsWith('Binary')) {
    if (typeof BinaryValue !== 'string' || BinaryValue === '' || !BASE64.test(BinaryValue))
      throw new SqsError('InvalidParameterValue', empty);
    return { DataType, BinaryValue };
  }
  if (typeof StringValue !== 'string' || StringValue === '')
    throw new SqsError('InvalidParameterValue', empty);
  if (DataType.startsWith('Number') && !NUMBER.test(StringValue))
    throw new SqsError(
      'InvalidParameterValue',
      `Can't cast the value of message (user) attribute '${name}' to a number.`,
    );
  return { DataType, StringValue };
}

/** Validates the MessageAttributes of a send; undefined when there are none. */
export function parseMessageAttributes(raw: unknown): MessageAttributes | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidParameter('MessageAttributes', raw);
  const entries = Object.entries(raw);
  if (entries.length === 0) return undefined;
  if (entries.length > MAX_ATTRIBUTES)
    throw invalidParameter(
      'MessageAttributes',
      `${entries.length} attributes`,
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`,
    );
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of entries) {
    checkName(name);
    attributes[name] = checkValue(name, value);
  }
  return attributes;
}

/** The bytes an attribute set adds to a message's size (name, type and value, as SQS counts them). */
export function attributesSize(attributes: MessageAttributes | undefined): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType);
    size +=
      value.BinaryValue === undefined
        ? Buffer.byteLength(value.StringValue ?? '')
        : Buffer.from(value.BinaryValue, 'base64').length;
  }
  return size;
}

/** The attributes a receive asked for: "All", ".*", exact names and "prefix.*" patterns. */
export function selectAttributes(
  attributes: MessageAttributes | undefined,
  names: readonly string[],
): MessageAttributes | undefined {
  if (attributes === undefined || names.length === 0) return undefined;
  const wanted = (name: string) =>
    names.some(
      (pattern) =>
        pattern === 'All' ||
        pattern === '.*' ||
        pattern === name ||
        (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
    );
  const selected = Object.fromEntries(Object.entries(attributes).filter(([name]) => wanted(name)));
  return Object.keys(selected).length === 0 ? undefined : selected;
}
