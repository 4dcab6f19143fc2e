import { PassThrough } from 'node:stream';
import { forwardRedacted, redactSecrets } from '../../../tools/local/redact';

const ID = `in_${'a'.repeat(20)}`;
const SECRET = 'Zx9_-'.repeat(8).concat('abc');
const LINK = `hcl_${ID}_${SECRET}`;
const STATE = `hst_${ID}_${SECRET}`;
const KEY = `hsk_${ID}_${SECRET}`;
const ADMIN = `hsa_${SECRET}`;

describe('redactSecrets', () => {
  it.each([
    ['a connect link in a request line', `GET /connect/${LINK} (λ: connect)`, LINK],
    ['a state in a query', `/oauth/callback?code=c0de-Value&state=${STATE}`, STATE],
    ['an installation key', `authorization: 'Bearer ${KEY}'`, KEY],
    ['the admin key', `key ${ADMIN}.`, ADMIN],
    [
      'a provider code in a query',
      '/oauth/callback?state=x&code=4/0AeaYSH-secret-code&iss=y',
      '4/0AeaYSH-secret-code',
    ],
    ['any bearer header', 'Authorization: Bearer eyJhbGciOi.payload.sig', 'eyJhbGciOi.payload.sig'],
  ])('removes %s', (_name, line, secret) => {
    const redacted = redactSecrets(line);
    expect(redacted).not.toContain(secret);
    expect(redacted).not.toContain(secret.slice(-20));
  });

  it('keeps the kind, the installation id and a short hash, the same for the same token', () => {
    const line = redactSecrets(`POST /connect/${LINK} (λ: connect)`);
    expect(line).toMatch(new RegExp(`^POST /connect/hcl_${ID}_#[0-9a-f]{12} \\(λ: connect\\)$`));
    expect(redactSecrets(LINK)).toBe(redactSecrets(LINK));
    expect(redactSecrets(LINK)).not.toBe(redactSecrets(STATE));
  });

  it('leaves other text alone', () => {
    const text = 'GET /health (λ: health) RequestId: 1234 Duration: 3.2 ms; hcl_short_token; exit code 1';
    expect(redactSecrets(text)).toBe(text);
  });
});

describe('forwardRedacted', () => {
  it('redacts a token split across chunks, and writes the last line without a newline', async () => {
    const from = new PassThrough();
    const written: string[] = [];
    forwardRedacted(from, { write: (text: string) => written.push(text) });
    from.write(`GET /connect/${LINK.slice(0, 30)}`);
    from.write(`${LINK.slice(30)} (λ: connect)\nlast ${STATE}`);
    from.end();
    await new Promise((resolve) => from.on('end', resolve));
    const output = written.join('');
    expect(output).not.toContain(SECRET);
    expect(output).toContain(`GET /connect/hcl_${ID}_#`);
    expect(output).toMatch(/\nlast hst_in_a{20}_#[0-9a-f]{12}$/);
  });
});
