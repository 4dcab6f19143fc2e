import { publicUrlFor } from '../../lib/http/public-url';
import { parseRequest } from '../../lib/http/request';
import { loadEvent } from '../support/events';

const request = parseRequest(
  loadEvent('health.json', (event) => {
    event.requestContext.domainName = 'abc123.execute-api.eu-west-1.amazonaws.com';
    event.headers.host = 'evil.example';
  }),
  { maxBodyBytes: 1024 },
);

describe('publicUrlFor', () => {
  it('uses PUBLIC_URL when it is set', () => {
    const config = { publicUrl: 'https://auth.example.com', publicUrlGiven: true, local: false };
    expect(publicUrlFor(config, request)).toBe('https://auth.example.com');
  });

  it('uses the domain API Gateway was called on when deployed without PUBLIC_URL, never the Host header', () => {
    const config = { publicUrl: 'http://localhost:3000', publicUrlGiven: false, local: false };
    expect(publicUrlFor(config, request)).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com');
  });

  it('stays on PUBLIC_URL or localhost when local', () => {
    const config = { publicUrl: 'http://localhost:3000', publicUrlGiven: false, local: true };
    expect(publicUrlFor(config, request)).toBe('http://localhost:3000');
  });
});
