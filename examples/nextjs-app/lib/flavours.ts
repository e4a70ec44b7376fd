/** The flavours the picker offers; the server accepts only these, so a flavour is never free text. */
export const FLAVOURS = [
  { id: 'vanilla', label: 'Vanilla' },
  { id: 'chocolate', label: 'Chocolate' },
  { id: 'strawberry', label: 'Strawberry' },
  { id: 'durian', label: 'Durian' },
  { id: 'teh-tarik', label: 'Teh tarik' },
] as const;

export type FlavourId = (typeof FLAVOURS)[number]['id'];

/** The flavour a value names (id, or label in any case), else undefined. */
export function flavourNamed(value: unknown): FlavourId | undefined {
  if (typeof value !== 'string') return undefined;
  const wanted = value.trim().toLowerCase();
  return FLAVOURS.find((f) => f.id === wanted || f.label.toLowerCase() === wanted)?.id;
}

export function flavourLabel(id: FlavourId): string {
  return FLAVOURS.find((f) => f.id === id)!.label;
}
