import { findJsonSyntaxIssue, lineColumn, parseJsonFile } from '../../../tools/app/json';
import { ProblemSink } from '../../../tools/app/problems';

describe('findJsonSyntaxIssue', () => {
  it.each([
    ['{"a": 1}', undefined],
    ['[1, -2.5e3, true, false, null, "x\\u00e9\\n"]', undefined],
    ['{"a": 1,}', { offset: 8, reason: "trailing comma before '}'" }],
    ['[1, 2,]', { offset: 6, reason: "trailing comma before ']'" }],
    ['{a: 1}', { offset: 1, reason: 'expected a property name in double quotes' }],
    ['{"a" 1}', { offset: 5, reason: "expected ':' after the property name" }],
    ['{"a": tru}', { offset: 6, reason: 'unexpected character "t"' }],
    ['{"a": 1', { offset: 7, reason: "expected ',' or '}'" }],
    ['{"a": "b', { offset: 8, reason: 'unterminated string' }],
    ['{"a": "\\x"}', { offset: 7, reason: 'invalid escape in a string' }],
    ['{"a": 01}', { offset: 7, reason: "expected ',' or '}'" }],
    ['{} {}', { offset: 3, reason: 'unexpected content after the JSON value' }],
    ['// comment\n{}', { offset: 0, reason: 'unexpected character "/"' }],
    ['', { offset: 0, reason: 'unexpected end of file' }],
  ])('%j → %j', (text, issue) => {
    // Act
    const found = findJsonSyntaxIssue(text);
    // Assess
    expect(found).toEqual(issue);
    // The scanner agrees with JSON.parse about validity.
    expect(found === undefined).toBe(
      (() => {
        try {
          JSON.parse(text);
          return true;
        } catch {
          return false;
        }
      })(),
    );
  });
});

describe('parseJsonFile', () => {
  it('reports the line and column of a syntax error', () => {
    // Prepare
    const sink = new ProblemSink();
    // Act
    const parsed = parseJsonFile('manifest.json', '{\n  "a": 1,\n  "b": [1 2]\n}', sink);
    // Assess
    expect(parsed).toBeUndefined();
    expect(sink.problems.map((problem) => problem.message)).toEqual([
      "invalid JSON at line 3, column 11: expected ',' or ']'",
    ]);
  });

  it('ignores a byte order mark and reports an empty file', () => {
    const sink = new ProblemSink();
    expect(parseJsonFile('manifest.json', '\uFEFF{"a":1}', sink)).toEqual({ value: { a: 1 } });
    expect(parseJsonFile('handshake.json', '  \n', sink)).toBeUndefined();
    expect(sink.problems.map((problem) => problem.message)).toEqual(['the file is empty']);
  });

  it('computes 1-based lines and columns', () => {
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab', 0)).toEqual({ line: 1, column: 1 });
  });
});
