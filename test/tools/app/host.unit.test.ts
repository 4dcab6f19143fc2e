import { parseTemplate } from '../../../lib/app/template';
import { validateHostTemplate } from '../../../tools/app/load/host';
import { ProblemSink } from '../../../tools/app/problems';

const check = (host: string) => {
  const sink = new ProblemSink();
  validateHostTemplate(parseTemplate(host), { file: 'config/requests.json', path: '$.t.schema.host' }, sink);
  return sink.problems;
};

describe('the host rule', () => {
  it.each([
    'api.example.com',
    'api.example.com:8443',
    'localhost',
    'xn--bcher-kva.example',
    '<%= iparam.domain %>.freshdesk.com',
    '<%= iparam.subdomain %>.example.com:<%= iparam.port %>',
    '<%= iparam.host %>',
    'api-<%= iparam.region %>.example.com',
    'a1.b-2.example.com',
  ])('accepts %s', (host) => {
    expect(check(host)).toEqual([]);
  });

  it.each([
    ['1.2.3.4', 'is an IP address'],
    ['1.2.3.4.', 'is an IP address'],
    ['2130706433', 'is an IP address'],
    ['0x7f000001', 'is an IP address'],
    ['0X7F.1', 'is an IP address'],
    ['0177.0.0.1', 'is an IP address'],
    ['127.1', 'is an IP address'],
    ['<%= iparam.a %>.1', 'is an IP address'],
    ['[::1]', 'is an IP address'],
    ['[::ffff:127.0.0.1]:443', 'is an IP address'],
    ['::1', 'is an IP address'],
    ['https://api.example.com', 'has a scheme'],
    ['//api.example.com', 'has a path'],
    ['api.example.com/v1', 'has a path'],
    ['api.example.com?x=1', 'has a query'],
    ['api.example.com#top', 'has a fragment'],
    ['user:pass@api.example.com', 'has user information'],
    ['api.example.com:0', 'has an invalid port'],
    ['api.example.com:65536', 'has an invalid port'],
    ['api.example.com:', 'has an invalid port'],
    ['api.example.com:<%= iparam.port %>x', 'has an invalid port'],
    [':443', 'has no host name'],
    ['', 'is empty'],
    ['api..example.com', 'has an empty label'],
    ['-api.example.com', 'has an invalid label "-api"'],
    ['api_v2.example.com', 'contains "_"'],
    ['api example.com', 'contains " "'],
    ['*.example.com', 'contains "*"'],
    [`${'a'.repeat(64)}.example.com`, `has an invalid label "${'a'.repeat(64)}"`],
  ])('refuses %s: %s', (host, reason) => {
    // Act
    const problems = check(host);
    // Assess
    expect(problems).toEqual([
      {
        severity: 'error',
        file: 'config/requests.json',
        path: '$.t.schema.host',
        message: `host ${JSON.stringify(host)} ${reason}`,
        allowed: 'a domain name, optionally with :port',
      },
    ]);
  });

  it.each([
    ['<%= context.host %>', true],
    ['api.<%= context.tld %>', true],
    ['<%= context.sub %>.com', true],
    ['<%= context.sub %>.freshdesk.com', false],
    // The label the expression touches is not fixed: sub = "evil" makes evilfreshdesk.com.
    ['<%= context.sub %>freshdesk.com', true],
    ['<%= context.sub %>-api.freshdesk.com', false],
    ['<%= iparam.host %>', false],
  ])('warns when the caller context picks the domain: %s → %s', (host, warns) => {
    const problems = check(host);
    expect(problems.map((problem) => problem.severity)).toEqual(warns ? ['warning'] : []);
  });
});
