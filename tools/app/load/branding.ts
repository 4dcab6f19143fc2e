import type { Branding } from '../../../lib/app/model';
import type { LogoFile } from '../files';
import { child, describeValue, type ProblemSink, type Where } from '../problems';
import { type BrandingInput, LOGO_ALLOWED } from '../schemas/app-meta';
import { svgProblems } from './svg';

/**
 * A logo is inlined into the page and into the connect and callback bundles as base64 (a third
 * more): 12 KiB is 16 KB there, what those bundles have left under the 350 KB cold-start budget
 * (docs/BENCHMARKS.md). A 48 px logo needs a few KiB: an SVG, or a 96×96 PNG or WebP.
 */
export const MAX_LOGO_BYTES = 12 * 1024;

/**
 * Why `path` cannot name a file inside the app folder, read as written (before any file is
 * opened: readAppDir reads only a path that passes); undefined when it can.
 */
export function logoPathProblem(path: string): string | undefined {
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'is an absolute path';
  if (path.includes('\\')) return 'uses \\ (separate folders with /)';
  const segments = path.split('/');
  if (segments.includes('..')) return 'leads out of the app folder (..)';
  if (segments.some((segment) => segment === '' || segment === '.'))
    return 'has an empty or . segment (write it as assets/logo.svg)';
  return undefined;
}

const MEDIA_TYPES = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  svg: 'image/svg+xml',
} as const;
type ImageKind = keyof typeof MEDIA_TYPES;

const startsWith = (bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + prefix.length && prefix.every((byte, i) => bytes[offset + i] === byte);
const ascii = (text: string): number[] => [...text].map((char) => char.charCodeAt(0));

/** The image kind by content (magic bytes; SVG by its text), never by the file's name. */
function imageKind(bytes: Uint8Array): ImageKind | 'text' {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  return 'text';
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

const SVG_ALLOWED =
  'an SVG with an <svg xmlns="http://www.w3.org/2000/svg"> root and no DOCTYPE, <script>, on… attributes, <foreignObject>, or links and url()s outside itself';

/** Why the logo file cannot be read as one, or its bytes. */
function logoBytes(path: string, file: LogoFile | undefined): Uint8Array | string {
  const pathProblem = logoPathProblem(path);
  if (pathProblem !== undefined) return pathProblem;
  const unreadable = file?.path !== path ? 'missing' : 'unreadable' in file ? file.unreadable : undefined;
  if (unreadable === 'outside') return 'is a symbolic link that leads out of the app folder';
  if (unreadable === 'too_large') return `is larger than ${MAX_LOGO_BYTES / 1024} KiB`;
  if (unreadable !== undefined || file === undefined || 'unreadable' in file)
    return 'is not a file in the app folder';
  return file.bytes.length > MAX_LOGO_BYTES ? `is larger than ${MAX_LOGO_BYTES / 1024} KiB` : file.bytes;
}

/** The logo's `data:` URL, or undefined after reporting why the file cannot be the logo. */
function logoDataUrl(
  path: string,
  file: LogoFile | undefined,
  where: Where,
  sink: ProblemSink,
): string | undefined {
  const label = `logo ${describeValue(path)}`;
  const bytes = logoBytes(path, file);
  if (typeof bytes === 'string') {
    sink.error(where, `${label} ${bytes}`, LOGO_ALLOWED);
    return undefined;
  }
  let kind: ImageKind | 'text' | undefined = imageKind(bytes);
  if (kind === 'text') {
    const text = utf8(bytes);
    const problems = text === undefined || !/^\uFEFF?\s*</.test(text) ? undefined : svgProblems(text);
    for (const problem of problems ?? []) sink.error(where, `${label} ${problem}`, SVG_ALLOWED);
    if (problems !== undefined && problems.length > 0) return undefined;
    kind = problems === undefined ? undefined : 'svg';
  }
  if (kind === undefined) {
    sink.error(
      where,
      `${label} is not a PNG, JPEG, WebP or SVG image (judged by its content, not its name)`,
      LOGO_ALLOWED,
    );
    return undefined;
  }
  return `data:${MEDIA_TYPES[kind]};base64,${Buffer.from(bytes).toString('base64')}`;
}

/** handshake.json's `branding` (its JSON shape checked already) and the logo file it names. */
export function readBranding(
  input: BrandingInput | undefined,
  logo: LogoFile | undefined,
  sink: ProblemSink,
): Branding {
  if (input === undefined) return {};
  const where = child({ file: 'handshake.json', path: '$' }, 'branding');
  const dataUrl =
    input.logo === undefined ? undefined : logoDataUrl(input.logo, logo, child(where, 'logo'), sink);
  return {
    ...(dataUrl === undefined ? {} : { logo: dataUrl }),
    ...(input.accent_color === undefined ? {} : { accentColor: input.accent_color.toLowerCase() }),
  };
}
