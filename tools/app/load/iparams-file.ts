import { type IparamPattern, patternProblem, patternsOf } from '../../../lib/app/iparam-pattern';
import { allowedValues, fitsIparam } from '../../../lib/app/iparams';
import { CHOICE_IPARAM_TYPES, type IparamField } from '../../../lib/app/iparams-model';
import { isRecord } from '../../../lib/app/record';
import { child, describeValue, type ProblemSink, type Where } from '../problems';
import {
  IPARAM_KEYS,
  IPARAM_RULES,
  type IparamInput,
  iparamPartsSchema,
  iparamSchema,
} from '../schemas/iparams';
import { parseSalvaging } from '../zod-problems';
import { warnUnknownKeys } from './unknown-keys';

const ROOT: Where = { file: 'config/iparams.json', path: '$' };
const isChoice = (type: IparamInput['type']): boolean =>
  (CHOICE_IPARAM_TYPES as readonly string[]).includes(type);

interface Choices {
  readonly type: IparamInput['type'];
  /** The values: a `{ label, value }` option is its value (what is stored and checked). */
  readonly options?: readonly (string | number)[];
}

const valuesOf = (options: NonNullable<IparamInput['options']>): (string | number)[] =>
  options.map((option) => (typeof option === 'object' ? option.value : option));

/** Both places FDK puts patterns; each must compile and be safe to run on an installer's value. */
function readPatterns(
  input: {
    readonly regex?: IparamInput['regex'] | undefined;
    readonly type_attributes?: IparamInput['type_attributes'] | undefined;
  },
  where: Where,
  sink: ProblemSink,
): IparamPattern[] {
  const sources = [
    { regex: input.regex, at: child(where, 'regex') },
    { regex: input.type_attributes?.regex, at: child(where, 'type_attributes', 'regex') },
  ];
  return sources.flatMap(({ regex, at }) =>
    regex === undefined
      ? []
      : patternsOf(regex).filter((pattern) => {
          const problem = patternProblem(pattern.source);
          if (problem !== undefined) {
            sink.error(
              typeof regex === 'string' ? at : child(at, pattern.name),
              `regex ${describeValue(pattern.source)} is refused: ${problem}`,
              'a JavaScript regular expression without backreferences or lookaheads (e.g. ^[a-z0-9-]+$)',
            );
            return false;
          }
          return true;
        }),
  );
}

function checkOptions(input: Choices, where: Where, sink: ProblemSink): boolean {
  const at = child(where, 'options');
  if (isChoice(input.type) && (input.options === undefined || input.options.length === 0)) {
    sink.error(at, `a ${input.type} field has no options`, 'a non-empty array of the values to choose from');
    return false;
  }
  if (!isChoice(input.type) && input.options !== undefined) {
    sink.warning(
      at,
      `options are ignored for a ${input.type} field`,
      'options only for dropdown, radio, multiselect',
    );
  }
  return true;
}

function checkDefault(input: Choices, value: unknown, where: Where, sink: ProblemSink): void {
  const field = { type: input.type, ...(isChoice(input.type) ? { options: input.options ?? [] } : {}) };
  if (value !== undefined && !fitsIparam(field, value)) {
    sink.warning(
      child(where, 'default_value'),
      `default_value ${describeValue(value)} does not fit a ${input.type} field`,
      allowedValues(field),
    );
  }
}

/** Each option's label for a form, when any option has one (FDK's `{ label, value }`). */
const labelsOf = (options: NonNullable<IparamInput['options']>): string[] | undefined =>
  options.some((option) => typeof option === 'object')
    ? options.map((option) => (typeof option === 'object' ? option.label : String(option)))
    : undefined;

function toField(name: string, input: IparamInput, patterns: readonly IparamPattern[]): IparamField {
  const options = input.options === undefined ? undefined : valuesOf(input.options);
  const labels = input.options === undefined ? undefined : labelsOf(input.options);
  return {
    name,
    displayName: input.display_name,
    ...(input.description === undefined ? {} : { description: input.description }),
    type: input.type,
    required: input.required ?? false,
    secure: input.secure ?? false,
    ...(isChoice(input.type) && options !== undefined ? { options } : {}),
    ...(isChoice(input.type) && labels !== undefined ? { optionLabels: labels } : {}),
    ...(input.default_value === undefined ? {} : { defaultValue: input.default_value }),
    ...(patterns.length === 0 ? {} : { patterns }),
  };
}

/** Reads config/iparams.json (FDK format); `value` is undefined when the file does not exist. */
export function readIparamsFile(value: unknown, sink: ProblemSink): Map<string, IparamField> {
  const fields = new Map<string, IparamField>();
  if (value === undefined) return fields;
  if (!isRecord(value)) {
    sink.error(
      ROOT,
      `the file holds ${describeValue(value)}`,
      'an object of iparam names to field definitions',
    );
    return fields;
  }
  for (const [name, raw] of Object.entries(value)) {
    const where = child(ROOT, name);
    warnUnknownKeys(raw, IPARAM_KEYS, where, sink);
    const {
      value: input,
      valid: parts,
      failed,
    } = parseSalvaging(iparamSchema, iparamPartsSchema, raw, where, IPARAM_RULES, `iparam "${name}"`, sink);
    // The options mean something only for a known type, and only if they passed the schema.
    const { type, options } = parts ?? {};
    if (type === undefined || failed('options')) continue;
    const choices = { type, ...(options === undefined ? {} : { options: valuesOf(options) }) };
    if (!checkOptions(choices, where, sink)) continue;
    checkDefault(choices, parts?.default_value, where, sink);
    const patterns = readPatterns(parts ?? {}, where, sink);
    if (input !== undefined) fields.set(name, toField(name, input, patterns));
  }
  return fields;
}
