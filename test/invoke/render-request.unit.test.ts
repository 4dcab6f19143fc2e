import type { RequestTemplate } from '../../lib/app/model';
import { parseTemplate } from '../../lib/app/template';
import { TemplateRequestError } from '../../lib/errors';
import { renderRequest } from '../../lib/invoke/render-request';

const template = (path: string, query: Record<string, string> = {}): RequestTemplate => ({
  name: 't',
  method: 'GET',
  protocol: 'https',
  host: parseTemplate('api.example.com'),
  path: parseTemplate(path),
  headers: new Map(),
  query: new Map(Object.entries(query).map(([name, value]) => [name, parseTemplate(value)])),
  oauth: undefined,
  maxAttempts: 1,
  retryDelay: 0,
});

const urlOf = (path: string, context: Record<string, unknown>, query?: Record<string, string | number>) =>
  new URL(renderRequest(template(path), { url: { context }, headers: {} }, query).url);

describe('renderRequest: the URL', () => {
  it.each([
    ['//evil.example/x', '//evil.example/x'],
    ['/@evil.example/x', '/@evil.example/x'],
    ['/a;b=c', '/a;b=c'],
  ])('keeps the template host whatever a whole-path value %j says', (value, pathname) => {
    // Act
    const url = urlOf('<%= context.path %>', { path: value });
    // Assess
    expect([url.protocol, url.host, url.pathname]).toEqual(['https:', 'api.example.com', pathname]);
  });

  it("merges the path's query, schema.query and the invoke's query, a later name replacing an earlier one", () => {
    // Prepare
    const tickets = template('/tickets?include=notes&page=1&tag=a&tag=b', {
      page: '<%= context.page %>',
      limit: '1',
    });
    // Act
    const url = new URL(
      renderRequest(tickets, { url: { context: { page: 2 } }, headers: {} }, { limit: 50, sort: 'desc' }).url,
    );
    // Assess
    expect(url.pathname).toBe('/tickets');
    expect([...url.searchParams]).toEqual([
      ['include', 'notes'],
      ['page', '2'],
      ['tag', 'a'],
      ['tag', 'b'],
      ['limit', '50'],
      ['sort', 'desc'],
    ]);
  });

  it('sends no ? when there is no query at all', () => {
    expect(renderRequest(template('/'), { url: {}, headers: {} }).url).toBe('https://api.example.com/');
  });

  it('refuses a value in the path as INVALID_PATH, naming it', () => {
    // Act
    const refuse = () => urlOf('/repos/<%= context.repo %>', { repo: '../../admin' });
    // Assess
    expect(refuse).toThrow(TemplateRequestError);
    expect(refuse).toThrow(
      'schema.path rendered to "/repos/../../admin" from the value "../../admin" has a path outside the template\'s "/repos/"',
    );
  });

  it('cuts a long value short in the refusal', () => {
    // Prepare
    const long = `${'a/'.repeat(300)}#`;
    // Act
    let message = '';
    try {
      urlOf('/repos/<%= context.repo %>', { repo: long });
    } catch (error) {
      message = (error as Error).message;
    }
    // Assess
    expect(message).toContain(
      `from the value ${JSON.stringify(`${long.slice(0, 200)}…`)} has a fragment (#)`,
    );
    expect(message.length).toBeLessThan(600);
  });
});
