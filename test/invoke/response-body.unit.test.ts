/** The envelope's text-or-base64 decision (lib/invoke/response-body.ts). */
import { answerBytes, envelopeBody, isTextBody } from '../../lib/invoke/response-body';

const NOT_UTF8 = Buffer.from([0x25, 0x50, 0x44, 0x46, 0xff, 0xfe, 0x00, 0x80]);

describe('isTextBody', () => {
  it.each([
    'text/plain',
    'text/html; charset=utf-8',
    'TEXT/CSV',
    'application/json',
    'application/json; charset=UTF-8',
    'Application/JSON',
    'application/vnd.api+json',
    'application/problem+json',
    'application/jsonp',
    'application/x-ndjson',
    'application/javascript',
    'application/xml',
    'application/atom+xml',
    'image/svg+xml',
    'application/x-www-form-urlencoded',
  ])('reads %s as text, whatever the bytes', (contentType) => {
    expect(isTextBody(contentType, NOT_UTF8)).toBe(true);
  });

  it.each([
    'application/pdf',
    'application/octet-stream',
    'image/png',
    'application/zip',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/jsonl-not-really',
    'audio/mpeg',
  ])('reads %s as binary, even when the bytes are UTF-8', (contentType) => {
    expect(isTextBody(contentType, Buffer.from('plain ascii'))).toBe(false);
  });

  it.each([undefined, '', 'nonsense', '; charset=utf-8', 'text/ plain'])(
    'lets the bytes decide without a readable Content-Type (%j)',
    (contentType) => {
      expect(isTextBody(contentType, Buffer.from('{"ok":true} ✓'))).toBe(true);
      expect(isTextBody(contentType, NOT_UTF8)).toBe(false);
      expect(isTextBody(contentType, Buffer.alloc(0))).toBe(true);
    },
  );
});

describe('envelopeBody', () => {
  it('answers text as the string it is, with no encoding field', () => {
    expect(envelopeBody('application/json', Buffer.from('{"a":"ü"}'))).toEqual({ response: '{"a":"ü"}' });
    expect(envelopeBody('application/json', Buffer.from('{}'))).not.toHaveProperty('encoding');
  });

  it('answers binary as base64 that decodes to the same bytes', () => {
    // Prepare
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    // Act
    const body = envelopeBody('application/pdf', bytes);
    // Assess
    expect(body.encoding).toBe('base64');
    expect(Buffer.from(body.response, 'base64').equals(bytes)).toBe(true);
  });
});

describe('answerBytes', () => {
  it("counts the envelope as the Lambda's answer carries it: a string escaped once more", () => {
    // Prepare: a JSON body of quotes is escaped in the envelope, and again in the answer
    const quotes = { response: '"'.repeat(1000) };
    const base64 = envelopeBody('image/png', Buffer.alloc(3000));
    // Act / Assess
    expect(answerBytes(quotes)).toBe(JSON.stringify(JSON.stringify(quotes)).length);
    expect(answerBytes(quotes)).toBeGreaterThan(4000);
    expect(answerBytes(base64) - base64.response.length).toBeLessThan(100);
    expect(answerBytes({ response: 'ü' })).toBe(Buffer.byteLength('"{\\"response\\":\\"ü\\"}"'));
  });
});
