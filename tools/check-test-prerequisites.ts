/**
 * The first step of `npm test` and `npm run test:integration`: stops at once, before typecheck or
 * any server, when Java 17+ or Chromium is missing — and says how to install them.
 * `--debian-packages` prints the Debian packages of what is missing instead, one a line, and
 * exits 0: `.ci/run` installs exactly those.
 */
import { describeMissing, missingTestPrerequisites } from './local/prerequisites';

const missing = missingTestPrerequisites(process.env);

if (process.argv.includes('--debian-packages')) {
  for (const { prerequisite } of missing) console.log(prerequisite.debianPackage);
} else if (missing.length > 0) {
  console.error(`npm test: this machine lacks what the tests need (nothing was started):\n`);
  console.error(describeMissing(missing));
  process.exitCode = 1;
}
