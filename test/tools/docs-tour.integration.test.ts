/**
 * The docs as a reader runs them: every sh block of README.md and docs/deploy.md, literally and
 * in order (tools/docs-tour.ts), and the runner's own refusals.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTour, tourBlocks } from '../../tools/docs-tour';
import { REPO_ROOT } from '../support/local-env';

/** A git checkout holding one Markdown file, for the runner to copy. */
function checkoutWith(markdown: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'handshake-tour-test-'));
  writeFileSync(join(dir, 'DOC.md'), markdown);
  execFileSync('git', ['init', '-q'], { cwd: dir });
  execFileSync('git', ['add', 'DOC.md'], { cwd: dir });
  return dir;
}

const doc = (...blocks: string[]) => blocks.join('\n\n');
const sh = (annotation: string, code: string) => `${annotation}\n\n\`\`\`sh\n${code}\n\`\`\``;

describe('the docs tour runner', () => {
  it('reads each block with its annotation, and refuses a block without one', () => {
    const blocks = tourBlocks(
      'DOC.md',
      doc(
        sh(`<!-- tour expect='"ok":true' expect="two" -->`, 'echo one'),
        sh('<!-- tour skip="needs AWS" -->', 'aws s3 ls'),
        `1. a step\n\n   <!-- tour start -->\n\n   \`\`\`sh\n   npm start\n   \`\`\``,
      ),
    );
    expect(blocks.map(({ kind, expect: texts, code }) => ({ kind, texts, code }))).toEqual([
      { kind: 'run', texts: ['"ok":true', 'two'], code: 'echo one' },
      { kind: 'skip', texts: [], code: 'aws s3 ls' },
      { kind: 'start', texts: [], code: 'npm start' },
    ]);
    expect(() => tourBlocks('DOC.md', 'text\n\n```sh\necho hi\n```')).toThrow(
      'DOC.md:3: a sh block without a <!-- tour … --> line before it',
    );
    expect(() => tourBlocks('DOC.md', sh('<!-- tour maybe -->', 'echo'))).toThrow(
      'unknown tour attribute "maybe"',
    );
  });

  it('carries variables from block to block and checks what the text promises', async () => {
    const dir = checkoutWith(
      doc(
        sh('<!-- tour -->', 'GREETING=$(echo hello)'),
        sh("<!-- tour expect='hello' -->", 'echo "$GREETING"'),
      ),
    );
    try {
      expect(await runTour(dir, ['DOC.md'])).toEqual({ ran: 2, skipped: [] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails on a failing command anywhere in a block, and on output that lacks the promised text', async () => {
    const failing = checkoutWith(doc(sh('<!-- tour -->', 'X=$(false)\necho after')));
    const lacking = checkoutWith(doc(sh("<!-- tour expect='goodbye' -->", 'echo hello')));
    try {
      await expect(runTour(failing, ['DOC.md'])).rejects.toThrow('DOC.md:3: a command failed');
      await expect(runTour(lacking, ['DOC.md'])).rejects.toThrow('DOC.md:3: the output lacks "goodbye"');
    } finally {
      rmSync(failing, { recursive: true, force: true });
      rmSync(lacking, { recursive: true, force: true });
    }
  });
});

describe('README.md and docs/deploy.md', () => {
  it('do what they say, run literally in order on a copy of this checkout', async () => {
    const lines: string[] = [];
    const { ran, skipped } = await runTour(REPO_ROOT, ['README.md', 'docs/deploy.md'], (line) =>
      lines.push(line),
    );
    // The README tour and the deploy guide's package step ran; only AWS, a browser or a real
    // provider account are out of reach here.
    expect(ran).toBeGreaterThanOrEqual(10);
    for (const block of skipped)
      expect([`${block.file}:${block.line}`, block.skipReason]).toEqual([
        `${block.file}:${block.line}`,
        expect.stringMatching(/AWS|HubSpot|app folder|npm ci|system packages|a file you write/),
      ]);
  }, 300_000);
});
