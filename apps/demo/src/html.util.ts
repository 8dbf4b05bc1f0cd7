import escapeHtml from 'escape-html';

/** Markup that is already safe: produced by {@link html}, never by hand from outside input. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | Interpolation[];

/**
 * Template tag for server-rendered pages: every interpolated value is HTML-escaped unless it is
 * itself the output of `html`, so a user's name or an error text can never become markup.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0];
  values.forEach((value, index) => {
    out += render(value) + strings[index + 1];
  });
  return new SafeHtml(out);
}

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) {
    return '';
  }
  if (Array.isArray(value)) {
    return value.map(render).join('');
  }
  if (value instanceof SafeHtml) {
    return value.value;
  }
  return escapeHtml(String(value));
}
