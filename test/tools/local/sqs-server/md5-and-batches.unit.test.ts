import { validateBatch } from '../../../../tools/local/sqs-server/batch-actions';
import { md5OfBody, md5OfMessageAttributes } from '../../../../tools/local/sqs-server/md5';
import {
  parseMessageAttributes,
  selectAttributes,
} from '../../../../tools/local/sqs-server/message-attributes';
import { codeOf } from './error-code';

describe('MD5 digests', () => {
  it('hashes bodies as UTF-8', () => {
    expect(md5OfBody('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5OfBody('The quick brown fox jumps over the lazy dog')).toBe('9e107d9d372bb6826bd81d3542a419d6');
  });

  // Known values of SQS's attribute digest (length-prefixed name, type, transport byte, value; names sorted).
  const string = { attribName1: { DataType: 'String', StringValue: 'attribValue 1' } };
  const number = {
    customNumberTypeAttrib: {
      DataType: 'Number.float',
      StringValue: '4563442423554324324264524243.32543234',
    },
  };
  const binary = {
    binaryAttribute: {
      DataType: 'Binary',
      BinaryValue: Buffer.from('Hello binary world!').toString('base64'),
    },
  };

  it.each([
    ['a String attribute', string, '19e27d4e946b072f3f58da80d94fd778'],
    ['a custom Number type', number, '9fe1b90bbd9965bdf77bac517c7d2495'],
    ['a Binary attribute', binary, '31a92b15d92f8db860eda32aceb656c3'],
    ['several, in any order', { ...binary, ...number, ...string }, 'c932db14a896c663f83c260297d594ff'],
  ])('digests %s as SQS does', (_, attributes, expected) => {
    expect(md5OfMessageAttributes(attributes)).toBe(expected);
  });
});

describe('message attributes', () => {
  it('accepts the three data types and custom suffixes', () => {
    expect(parseMessageAttributes({ ...{ n: { DataType: 'Number.int', StringValue: '-1.5e3' } } })).toEqual({
      n: { DataType: 'Number.int', StringValue: '-1.5e3' },
    });
    expect(parseMessageAttributes({})).toBeUndefined();
  });

  it.each([
    ['an unknown type', { a: { DataType: 'Text', StringValue: 'x' } }],
    ['an empty value', { a: { DataType: 'String', StringValue: '' } }],
    ['a non-number Number', { a: { DataType: 'Number', StringValue: 'ten' } }],
    ['a reserved name', { 'AWS.x': { DataType: 'String', StringValue: 'x' } }],
    ['a name with two periods', { 'a..b': { DataType: 'String', StringValue: 'x' } }],
    [
      'eleven attributes',
      Object.fromEntries(
        Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'x' }]),
      ),
    ],
  ])('refuses %s', (_, attributes) => {
    expect(codeOf(() => parseMessageAttributes(attributes))).toBe('InvalidParameterValue');
  });

  it('selects All, exact names and prefix patterns', () => {
    const attributes = {
      'order.id': { DataType: 'String', StringValue: '1' },
      other: { DataType: 'String', StringValue: '2' },
    };
    expect(Object.keys(selectAttributes(attributes, ['All']) ?? {})).toEqual(['order.id', 'other']);
    expect(Object.keys(selectAttributes(attributes, ['order.*']) ?? {})).toEqual(['order.id']);
    expect(selectAttributes(attributes, ['missing'])).toBeUndefined();
    expect(selectAttributes(attributes, [])).toBeUndefined();
  });
});

describe('batch validation', () => {
  const entries = (...ids: string[]) => ids.map((Id) => ({ Id }));

  it('refuses empty, oversized, duplicate and malformed batches, in SQS order', () => {
    expect(codeOf(() => validateBatch([], 'Entry'))).toBe('EmptyBatchRequest');
    const eleven = entries(...Array.from({ length: 11 }, (_, i) => `e${i}`));
    expect(codeOf(() => validateBatch(eleven, 'Entry'))).toBe('TooManyEntriesInBatchRequest');
    expect(codeOf(() => validateBatch(entries('a', 'b', 'a'), 'Entry'))).toBe('BatchEntryIdsNotDistinct');
    expect(codeOf(() => validateBatch(entries('a b'), 'Entry'))).toBe('InvalidBatchEntryId');
    expect(codeOf(() => validateBatch([{}], 'Entry'))).toBe('MissingParameter');
  });

  it('returns the ids of a valid batch of up to 10', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `id-${i}`);
    expect(validateBatch(entries(...ten), 'Entry')).toEqual(ten);
  });
});
