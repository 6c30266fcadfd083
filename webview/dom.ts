// Building the report pages' DOM: one element helper and one button helper, shared by the run,
// sweep and flame views so every page builds elements and buttons the same way.

/** What el() appends: nodes and text; null, undefined and false are skipped (for conditional parts). */
export type Child = Node | string | null | undefined | false;

/**
 * A new element with attributes and children. Props: `class` sets className, `text` sets
 * textContent, any other key is set as an attribute.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Record<string, string>,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function el(tag: string, props?: Record<string, string>, ...children: Child[]): HTMLElement;
export function el(tag: string, props: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') element.className = v;
    else if (k === 'text') element.textContent = v;
    else element.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) element.append(c);
  return element;
}

export interface ButtonOptions {
  /** The toolkit's secondary (less prominent) style. */
  secondary?: boolean;
  title?: string;
  id?: string;
  /** Set as data-value: what a segmented control's button stands for (tests and styles read it). */
  value?: string;
}

/** A VS Code toolkit button (a plain element until the toolkit defines it) that calls onClick. */
export function button(label: string, onClick: () => void, opts: ButtonOptions = {}): HTMLElement {
  const b = document.createElement('vscode-button');
  b.textContent = label;
  if (opts.id) b.id = opts.id;
  if (opts.value !== undefined) b.setAttribute('data-value', opts.value);
  if (opts.title) b.title = opts.title;
  if (opts.secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', onClick);
  return b;
}

/** A page's header: its title, a subtitle line (text or a ready element), and actions on the right. */
export function pageHeader(title: string, sub: string | HTMLElement, actions?: Node): HTMLElement {
  const subtitle = typeof sub === 'string' ? el('div', { class: 'sub', text: sub }) : sub;
  return el('header', { class: 'top' }, el('div', {}, el('h1', { text: title }), subtitle), actions);
}

/** A section of a page: `data-section` names it (tests and styles find it by that), a heading, then its content. */
export function section(name: string, title: string, ...children: Child[]): HTMLElement {
  return el('section', { 'data-section': name }, el('h2', { text: title }), ...children);
}
