/** The flavours the SPA offers. The server accepts only these, so a flavour is never free text. */
export const FLAVOURS = [
  { id: 'vanilla', label: 'Vanilla' },
  { id: 'chocolate', label: 'Chocolate' },
  { id: 'strawberry', label: 'Strawberry' },
  { id: 'mint-chocolate-chip', label: 'Mint chocolate chip' },
  { id: 'durian', label: 'Durian' },
  { id: 'teh-tarik', label: 'Teh tarik' },
] as const;

export type FlavourId = (typeof FLAVOURS)[number]['id'];

export function isFlavour(value: unknown): value is FlavourId {
  return typeof value === 'string' && FLAVOURS.some((f) => f.id === value);
}

/**
 * The flavour an `icecream` parameter names: an id (`mint-chocolate-chip`, what our SPA sends) or a
 * label in any case (`Chocolate`, what the docs' frontend sends). Anything else is undefined.
 */
export function flavourNamed(value: unknown): FlavourId | undefined {
  if (typeof value !== 'string') return undefined;
  const wanted = value.trim().toLowerCase();
  return FLAVOURS.find((f) => f.id === wanted || f.label.toLowerCase() === wanted)?.id;
}

export function flavourLabel(id: FlavourId): string {
  return FLAVOURS.find((f) => f.id === id)!.label;
}
