/**
 * Reading server-rendered chart markup in tests: render a component, then pick out its elements, attributes and visible
 * text.
 */
import { createElement, type FunctionComponent } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

export function render<P extends object>(component: FunctionComponent<P>, props: P): string {
  return renderToStaticMarkup(createElement(component, props));
}

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Opening tags of an element name, e.g. all `<text ...>`. */
export function tags(markup: string, name: string): string[] {
  return markup.match(new RegExp(`<${name}(?=[\\s>/])[^>]*>`, 'g')) ?? [];
}

export function attr(tag: string, name: string): string | undefined {
  const m = tag.match(new RegExp(`\\s${name}="([^"]*)"`));
  return m ? decode(m[1]) : undefined;
}

export function num(tag: string, name: string): number {
  return Number(attr(tag, name));
}

export interface TextElement {
  tag: string;
  /** The element's whole text, tspans included. */
  text: string;
}

/** Every <text> element with its visible text. */
export function texts(markup: string): TextElement[] {
  return [...markup.matchAll(/(<text(?=[\s>])[^>]*>)([\s\S]*?)<\/text>/g)].map((m) => ({
    tag: m[1],
    text: decode(
      m[2]
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  }));
}

export function textContent(markup: string): string[] {
  return texts(markup).map((t) => t.text);
}

/** The markup of the first element (with its children) whose opening tag has attribute name="value". */
export function element(markup: string, name: string, value: string): string {
  const start = markup.indexOf(`${name}="${value}"`);
  if (start < 0) throw new Error(`no element with ${name}="${value}"`);
  const open = markup.lastIndexOf('<', start);
  const tagName = markup.slice(open + 1).match(/^[a-z]+/)![0];
  // Matching depth, since groups nest.
  const re = new RegExp(`<${tagName}(?=[\\s>])|</${tagName}>`, 'g');
  re.lastIndex = open;
  let depth = 0;
  for (let m = re.exec(markup); m; m = re.exec(markup)) {
    depth += m[0].startsWith('</') ? -1 : 1;
    if (depth === 0) return markup.slice(open, m.index + m[0].length);
  }
  throw new Error('unbalanced markup');
}

export function innerText(markup: string, tagName: string): string {
  const m = markup.match(new RegExp(`<${tagName}[^>]*>([\\s\\S]*?)</${tagName}>`));
  return m ? decode(m[1]) : '';
}

/** The ticks of an axis (data-axis) as value → x, read from the tick labels, with the label parsed by `parse`. */
export function axisTicks(
  markup: string,
  axis: string,
  parse: (label: string) => number,
): { value: number; x: number; label: string }[] {
  return texts(element(markup, 'data-axis', axis))
    .filter((t) => attr(t.tag, 'text-anchor') === 'middle' && /\d/.test(t.text) && !/[a-z]/i.test(t.text))
    .map((t) => ({ value: parse(t.text), x: num(t.tag, 'x'), label: t.text }));
}

/** A number as the charts print it (true minus sign). */
export function parseSigned(text: string): number {
  return Number(text.replace('−', '-').replace('±', ''));
}
