/** The model file of unbundled code: written only for a valid app, in the form a bundle carries. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBundled } from '../../../lib/app/bundled';
import { AppInvalidError, appModelEnv, loadAppDir, writeAppModel } from '../../../tools/app';
import { BROKEN_APPS, SAMPLE_APP } from './helpers';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'handshake-model-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeAppModel', () => {
  it("writes the validated app's bundled form", () => {
    // Prepare
    const file = join(dir, 'nested', 'model.json');
    // Act
    const app = writeAppModel(SAMPLE_APP, file);
    // Assess
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(toBundled(app))));
    expect(app).toEqual(loadAppDir(SAMPLE_APP));
  });

  it('throws AppInvalidError listing each problem line and writes nothing for an invalid app', () => {
    // Prepare
    const file = join(dir, 'model.json');
    // Act
    const act = () => writeAppModel(join(BROKEN_APPS, 'retry-options-out-of-range'), file);
    // Assess
    expect(act).toThrow(AppInvalidError);
    expect(act).toThrow(
      /2 errors\):\nerror config\/requests.json \$\.getItems\.options\.maxAttempts: .*\nerror .*retryDelay/,
    );
    expect(existsSync(file)).toBe(false);
  });
});

describe('appModelEnv', () => {
  it('names the model file it wrote into the given folder', () => {
    // Act
    const env = appModelEnv(SAMPLE_APP, dir);
    // Assess
    expect(env).toEqual({ HANDSHAKE_APP_MODEL: join(dir, 'app-model.json') });
    expect(JSON.parse(readFileSync(join(dir, 'app-model.json'), 'utf8')).name).toBe('Service Desk Sync');
  });
});
