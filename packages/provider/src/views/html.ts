/**
 * HTML escaped by construction: every interpolated value is escaped unless it is already
 * Html (built by this tag). There is no other way to put a string into a page.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Markup that is trusted as is (e.g. an SVG QR code produced by the qrcode library). */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/**
 * Text that a browser may wrap only right after one of `chars` — a URL after "/", "?" or "&",
 * a client id after "-" — never in the middle of a word, nor at a hyphen elsewhere: each piece
 * is kept whole (`.nobreak`) and `<wbr>` marks the places between them.
 */
export function breakAfter(text: string, chars: string): Html {
  const pieces: string[] = [];
  let piece = '';
  for (const ch of text) {
    piece += ch;
    if (chars.includes(ch)) {
      pieces.push(piece);
      piece = '';
    }
  }
  if (piece !== '') pieces.push(piece);
  return new Html(pieces.map((p) => `<span class="nobreak">${escapeHtml(p)}</span>`).join('<wbr>'));
}
