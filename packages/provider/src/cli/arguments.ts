/**
 * The command line, read without stopping at the first mistake: every unknown option (with the
 * nearest known one as a suggestion), every option without its value or with a value it does
 * not take, every single-value option given twice. Node's parseArgs does the splitting (in its
 * lenient mode, which keeps going); the checks and the messages are ours.
 */
import { parseArgs } from 'node:util';

export interface OptionDefinition {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
}

export interface CommandLine {
  /** Every option given correctly, by its long name. */
  values: Record<string, string | boolean | string[]>;
  positionals: string[];
  /** One message per mistake, each naming the option. Empty when the line is fine. */
  problems: string[];
  /** Whether an unknown option was seen (its value may then have been taken for a positional). */
  unknownOptions: boolean;
}

/** Optimal string alignment distance: edits, with a swap of two neighbours counting as one. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate that `typed` most likely meant: the only one it is a prefix of, else the
 * nearest within a couple of edits (fewer for short words). Undefined when nothing is close.
 */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  const t = typed.toLowerCase();
  const prefixed = candidates.filter((c) => c.startsWith(t));
  if (t.length >= 3 && prefixed.length === 1) return prefixed[0];
  const limit = t.length <= 3 ? 1 : t.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = editDistance(t, c);
    if (dist <= limit && dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  return best;
}

/** Splits and checks argv against `options`; never throws for a user's mistake. */
export function readCommandLine(argv: readonly string[], options: Readonly<Record<string, OptionDefinition>>): CommandLine {
  const { tokens } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  const longNames = Object.keys(options);
  const byShort = new Map(Object.entries(options).flatMap(([name, o]) => (o.short ? [[o.short, name] as const] : [])));
  const values: CommandLine['values'] = {};
  const positionals: string[] = [];
  const problems: string[] = [];
  const given = new Map<string, string[]>();
  let unknownOptions = false;

  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue; // the "--" terminator
    const { rawName } = token;
    const name = rawName.startsWith('--') ? token.name : byShort.get(token.name) ?? token.name;
    const def = options[name];
    if (def === undefined) {
      unknownOptions = true;
      const guess = rawName.startsWith('--') ? closest(token.name, longNames) : undefined;
      problems.push(`${rawName}: unknown option${guess !== undefined ? `; did you mean --${guess}?` : ''}`);
      continue;
    }
    const flag = `--${name}`;
    if (def.type === 'boolean') {
      if (token.value !== undefined) problems.push(`${flag} takes no value (write ${flag} alone, not ${flag}=${token.value})`);
      else values[name] = true;
      continue;
    }
    const value = token.value;
    if (value === undefined) {
      problems.push(`${flag} needs a value: ${flag} VALUE`);
      continue;
    }
    if (!token.inlineValue && value.startsWith('-') && value.length > 1) {
      // What the user most likely did is forget the value; a value that starts with "-" can
      // still be given as --flag=-value.
      problems.push(`${flag} needs a value, but "${value}" looks like an option (for a value that starts with "-", write ${flag}=${value})`);
      continue;
    }
    const seen = given.get(name) ?? [];
    seen.push(value);
    given.set(name, seen);
    if (def.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), value];
    else values[name] = value;
  }
  for (const [name, seen] of given) {
    if (!options[name]!.multiple && seen.length > 1) {
      problems.push(`--${name} is given ${seen.length} times (${seen.map((v) => JSON.stringify(v)).join(', ')}): give it once`);
    }
  }
  return { values, positionals, problems, unknownOptions };
}
