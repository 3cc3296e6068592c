// Owns a deliberately small XML reader for IdP metadata: elements, attributes, text, CDATA, comments
// and processing instructions, with names reduced to their local part (SAML metadata comes with any
// namespace prefix, or none). It never expands entities beyond the five predefined ones and numeric
// references, and refuses any DOCTYPE, so entity-expansion and external-entity attacks have nothing
// to work with. Throws XmlError on anything malformed.

export interface XmlElement {
  /** Local name: `md:EntityDescriptor` → `EntityDescriptor`. */
  name: string;
  /** By local name; namespace declarations (xmlns, xmlns:*) are left out. */
  attributes: Map<string, string>;
  children: XmlElement[];
  /** Text and CDATA directly inside the element, concatenated. */
  text: string;
}

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

const MAX_DEPTH = 64;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const NAME = /^[A-Za-z_][\w.:-]*$/;
const ATTRIBUTE = String.raw`\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')`;

const localName = (qualified: string) => qualified.slice(qualified.indexOf(':') + 1);

function codePoint(value: number): string {
  const valid = Number.isInteger(value) && value > 0 && value <= 0x10ffff && !(value >= 0xd800 && value <= 0xdfff);
  if (!valid) throw new XmlError('invalid character reference');
  return String.fromCodePoint(value);
}

/** Replaces the predefined entities and character references; any other `&` is an error. */
export function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^&;\s]*);|&/g, (_match, ref: string | undefined) => {
    if (ref === undefined) throw new XmlError('unescaped &');
    if (/^#x[0-9a-f]+$/i.test(ref)) return codePoint(parseInt(ref.slice(2), 16));
    if (/^#[0-9]+$/.test(ref)) return codePoint(parseInt(ref.slice(1), 10));
    const named = PREDEFINED[ref];
    if (named === undefined) throw new XmlError(`unknown entity &${ref};`);
    return named;
  });
}

/** The end of the tag opened at `start` (the index of its `>`), skipping quoted attribute values. */
function tagEnd(xml: string, start: number): number {
  let quote: string | null = null;
  for (let i = start + 1; i < xml.length; i += 1) {
    const c = xml[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
    else if (c === '<') break;
  }
  throw new XmlError('unterminated tag');
}

function parseStartTag(source: string): { qualified: string; element: XmlElement; selfClosing: boolean } {
  const selfClosing = source.endsWith('/');
  const body = selfClosing ? source.slice(0, -1) : source;
  const qualified = /^[^\s]+/.exec(body)?.[0] ?? '';
  if (!NAME.test(qualified)) throw new XmlError('invalid element name');
  const attributes = new Map<string, string>();
  const pattern = new RegExp(ATTRIBUTE, 'y');
  let consumed = qualified.length;
  pattern.lastIndex = consumed;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(body))) {
    consumed = pattern.lastIndex;
    const name = match[1]!;
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
    const local = localName(name);
    if (!attributes.has(local)) attributes.set(local, decodeEntities(match[2] ?? match[3] ?? ''));
  }
  if (body.slice(consumed).trim() !== '') throw new XmlError('malformed attributes');
  return { qualified, element: { name: localName(qualified), attributes, children: [], text: '' }, selfClosing };
}

/** Parses a whole document into its root element. Throws XmlError. */
export function parseXml(xml: string): XmlElement {
  const stack: { qualified: string; element: XmlElement }[] = [];
  let root: XmlElement | null = null;
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  const addText = (text: string) => {
    const top = stack[stack.length - 1];
    if (top) top.element.text += text;
    else if (text.trim() !== '') throw new XmlError('text outside the root element');
  };
  const skipTo = (marker: string, from: number, what: string) => {
    const end = xml.indexOf(marker, from);
    if (end < 0) throw new XmlError(`unterminated ${what}`);
    return end + marker.length;
  };
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) {
      addText(decodeEntities(xml.slice(i)));
      break;
    }
    if (lt > i) addText(decodeEntities(xml.slice(i, lt)));
    if (xml.startsWith('<?', lt)) i = skipTo('?>', lt + 2, 'processing instruction');
    else if (xml.startsWith('<!--', lt)) i = skipTo('-->', lt + 4, 'comment');
    else if (xml.startsWith('<![CDATA[', lt)) {
      const end = skipTo(']]>', lt + 9, 'CDATA section');
      addText(xml.slice(lt + 9, end - 3));
      i = end;
    } else if (xml.startsWith('<!', lt)) throw new XmlError('DOCTYPE and other declarations are not allowed');
    else if (xml.startsWith('</', lt)) {
      const end = tagEnd(xml, lt);
      const open = stack.pop();
      if (!open || open.qualified !== xml.slice(lt + 2, end).trim()) throw new XmlError('mismatched end tag');
      i = end + 1;
    } else {
      const end = tagEnd(xml, lt);
      const { qualified, element, selfClosing } = parseStartTag(xml.slice(lt + 1, end));
      const parent = stack[stack.length - 1];
      if (parent) parent.element.children.push(element);
      else if (root) throw new XmlError('more than one root element');
      else root = element;
      if (!selfClosing) {
        if (stack.length >= MAX_DEPTH) throw new XmlError('nested too deeply');
        stack.push({ qualified, element });
      }
      i = end + 1;
    }
  }
  if (stack.length > 0) throw new XmlError('unclosed element');
  if (!root) throw new XmlError('no root element');
  return root;
}

/** Every descendant of `element` (not itself) with this local name, in document order. */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const child of e.children) {
      if (child.name === name) found.push(child);
      walk(child);
    }
  };
  walk(element);
  return found;
}

export const childrenNamed = (element: XmlElement, name: string) => element.children.filter((c) => c.name === name);
