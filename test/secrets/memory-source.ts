import type { SecretGetOptions, SecretName, SecretWriter } from '../../lib/secrets/port';

/** An in-memory SecretWriter that records every call, for tests of code built on the port. */
export interface MemorySource extends SecretWriter {
  readonly values: Map<SecretName, string>;
  readonly gets: { name: SecretName; options: SecretGetOptions | undefined }[];
  readonly puts: { name: SecretName; value: string }[];
}

export function memorySource(initial: Partial<Record<SecretName, string>> = {}): MemorySource {
  const values = new Map(Object.entries(initial) as [SecretName, string][]);
  const gets: MemorySource['gets'] = [];
  const puts: MemorySource['puts'] = [];
  return {
    values,
    gets,
    puts,
    async get(name, options) {
      gets.push({ name, options });
      return values.get(name);
    },
    async put(name, value) {
      puts.push({ name, value });
      values.set(name, value);
    },
  };
}
