import { consoleRoutes } from '../../lib/console/routes';
import { inlineEvents, readServerlessFile } from '../support/serverless-file';

describe('the console routes', () => {
  it('are exactly the console function’s httpApi routes in serverless.yml', () => {
    const declared = inlineEvents(readServerlessFile().functions.console).flatMap((event) =>
      typeof event.httpApi === 'string' ? [event.httpApi] : [],
    );
    const served = Object.keys(consoleRoutes({} as never));
    expect([...served].sort()).toEqual([...declared].sort());
    expect(served).toContain('GET /console');
    expect(served.filter((key) => key.startsWith('POST ')).length).toBeGreaterThanOrEqual(7);
  });
});
