/** The rule that keeps jest from hanging after a failed setup: what was started is stopped. */
import { allStarted, Stops, startAll } from './stops';

describe('startAll', () => {
  it('stops what a failing setup had started, newest first, and rethrows its error', async () => {
    // Prepare
    const stopped: string[] = [];
    const setup = startAll(async (stops) => {
      stops.add('table', (name) => stopped.push(name));
      stops.add('api', (name) => stopped.push(name));
      throw new Error('Chromium cannot be launched');
    });
    // Act, Assess
    await expect(setup).rejects.toThrow('Chromium cannot be launched');
    expect(stopped).toEqual(['api', 'table']);
  });

  it('keeps the setup error first when a stop fails too', async () => {
    const setup = startAll(async (stops) => {
      stops.add('api', () => Promise.reject(new Error('close failed')));
      throw new Error('launch failed');
    });
    await expect(setup).rejects.toThrow(
      /^launch failed\n\(and stopping what had started failed: Error: close failed\)$/,
    );
  });

  it('returns what started with one stop for all of it, which stops each once', async () => {
    // Prepare
    const stopped: string[] = [];
    const running = await startAll(async (stops) => ({
      port: stops.add(4242, () => stopped.push('server')),
    }));
    // Act
    await running.stop();
    await running.stop();
    // Assess
    expect(running.port).toBe(4242);
    expect(stopped).toEqual(['server']);
  });
});

describe('Stops.stopAll', () => {
  it('runs every stop even when one throws, then throws what failed', async () => {
    // Prepare
    const stops = new Stops();
    const stopped: string[] = [];
    stops.add('oauth', (name) => stopped.push(name));
    stops.add('browser', () => {
      throw new Error('browser.close failed');
    });
    stops.add('upstream', (name) => stopped.push(name));
    // Act, Assess
    await expect(stops.stopAll()).rejects.toThrow('browser.close failed');
    expect(stopped).toEqual(['upstream', 'oauth']);
  });

  it('reports every failure when several stops fail', async () => {
    const stops = new Stops();
    stops.add(1, () => Promise.reject(new Error('one')));
    stops.add(2, () => Promise.reject(new Error('two')));
    const failure = await stops.stopAll().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AggregateError);
    expect((failure as AggregateError).errors.map((error: Error) => error.message)).toEqual(['two', 'one']);
  });
});

describe('allStarted', () => {
  it('waits for the slower start before rejecting, so its stop is registered', async () => {
    // Prepare: Promise.all would reject at once, before the server registered its stop.
    const stops = new Stops();
    const stopped: string[] = [];
    const slowServer = new Promise<string>((resolve) => setTimeout(() => resolve('server'), 20)).then(
      (name) => stops.add(name, () => stopped.push(name)),
    );
    // Act
    const started = allStarted([slowServer, Promise.reject(new Error('no browser'))]);
    // Assess
    await expect(started).rejects.toThrow('no browser');
    await stops.stopAll();
    expect(stopped).toEqual(['server']);
  });

  it('resolves to each result in order', async () => {
    expect(await allStarted([Promise.resolve(1), Promise.resolve('two')])).toEqual([1, 'two']);
  });
});
