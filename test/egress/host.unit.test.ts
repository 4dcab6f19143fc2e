import { hostShapeProblem, hostValueProblem, parseAllowList } from '../../lib/egress';

describe('the whole-host rule (a rendered schema.host, a current_host endpoint)', () => {
  const none = parseAllowList([]);
  const loopback = parseAllowList(['127.0.0.0/8']);

  it.each(['acme.freshdesk.com', 'acme.freshdesk.com:8443', 'localhost:3000', 'a_b.example.com', '[::1]'])(
    'takes %s as a host',
    (host) => {
      expect(hostShapeProblem(host)).toBeUndefined();
    },
  );

  it.each([
    ['evil.com/path', 'not a host name'],
    ['a@b', 'not a host name'],
    ['https://acme.freshdesk.com', 'not a host name'],
    ['2130706433', 'a numeric host form'],
    ['127.1', 'a numeric host form'],
    ['[zz::1]', 'not a host name'],
    ['', 'not a host name'],
  ])('refuses %s: %s', (host, why) => {
    expect(hostShapeProblem(host)).toBe(why);
  });

  it('refuses an IP address unless the egress allow list names it', () => {
    expect(hostValueProblem('127.0.0.1', none)).toContain('IP address hosts are refused unless listed');
    expect(hostValueProblem('127.0.0.1', loopback)).toBeUndefined();
    expect(hostValueProblem('[::1]', none)).toContain('IP address hosts are refused unless listed');
  });

  it('does not resolve names: the egress policy judges those at each request', () => {
    expect(hostValueProblem('localhost', none)).toBeUndefined();
    expect(hostValueProblem('xn--a.example.com', none)).toBe('not a valid host');
  });
});
