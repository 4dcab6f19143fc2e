import { readableLine } from '../../../tools/local/log-view';

const powertools = (fields: Record<string, unknown>) =>
  JSON.stringify({
    level: 'INFO',
    timestamp: '2026-12-01T23:50:02.155Z',
    service: 'handshake',
    cold_start: false,
    function_arn: 'offline_invokedFunctionArn_for_handshake-dev-health',
    function_memory_size: '512',
    function_name: 'handshake-dev-health',
    function_request_id: 'f824d7c6-0bd0-4561-85a9-882ab71f1c7e',
    sampling_rate: 0,
    correlationId: 'offlineContext_resourceId',
    ...fields,
  });

const clock = new Date('2026-12-01T23:50:02.155Z').toTimeString().slice(0, 8);

describe('npm start output, made readable', () => {
  it('shows a served request as time, route and status only', () => {
    expect(readableLine(powertools({ message: 'request served', route: 'GET /health', status: 200 }))).toBe(
      `${clock}  GET /health  200`,
    );
  });

  it('shows a refusal with its code, and a warning with its level and fields', () => {
    expect(
      readableLine(
        powertools({
          message: 'request refused',
          route: 'POST /installations',
          status: 401,
          code: 'UNAUTHENTICATED',
        }),
      ),
    ).toBe(`${clock}  POST /installations  401  UNAUTHENTICATED`);
    expect(
      readableLine(
        powertools({ level: 'WARN', message: 'token refresh failed', integration: 'hubspot', attempts: 2 }),
      ),
    ).toBe(`${clock}  WARN  token refresh failed  integration=hubspot  attempts=2`);
  });

  it('shows an error by name and message, never its stack', () => {
    const line = readableLine(
      powertools({
        level: 'ERROR',
        message: 'unexpected failure',
        error: {
          name: 'TypeError',
          message: 'x is not a function',
          stack: 'TypeError: x\n    at f (file.mjs:1:2)',
        },
      }),
    );
    expect(line).toBe(`${clock}  ERROR  unexpected failure  error="TypeError: x is not a function"`);
    expect(line).not.toContain('file.mjs');
  });

  it("leaves out serverless-offline's route box, per-call lines and idle schedule runs", () => {
    for (const noise of [
      'GET /health (λ: health)',
      '(λ: health) RequestId: f824d7c6  Duration: 84.13 ms  Billed Duration: 85 ms',
      '│   GET    | http://127.0.0.1:3100/health                                      │',
      '┌──────────────┐',
      'Offline [http for lambda] listening on http://127.0.0.1:40973',
      'Function names exposed for local invocation by aws-sdk:',
      '   * health: handshake-dev-health',
      'Scheduling [deliver] cron: [*/1 * * * *]',
      'Successfully invoked scheduled function: [deliver]',
      'Server ready: http://127.0.0.1:3100 🚀',
      'Starting Offline at stage dev (us-east-1)',
      '\u001b[32mServer ready: http://127.0.0.1:3100\u001b[39m',
      '',
      '   ',
      powertools({ message: 'refresh sweep done', due: 0, itemsRead: 0 }),
    ]) {
      expect([noise, readableLine(noise)]).toEqual([noise, undefined]);
    }
  });

  it('keeps what a person must see: a sweep that did work, a failed schedule, any other line', () => {
    expect(readableLine(powertools({ message: 'refresh sweep done', due: 3, itemsRead: 3 }))).toBe(
      `${clock}  refresh sweep done  due=3  itemsRead=3`,
    );
    expect(readableLine('Failed to execute scheduled function: [refresh] Error: boom')).toBe(
      'Failed to execute scheduled function: [refresh] Error: boom',
    );
    expect(readableLine('✖ Error: Cannot find module')).toBe('✖ Error: Cannot find module');
    expect(readableLine('{"not":"a log line"}')).toBe('{"not":"a log line"}');
  });
});
