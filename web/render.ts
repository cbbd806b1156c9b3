/**
 * The pages' Handlebars: one private environment (helpers never leak into the global one, nor
 * the notices' into it), every view and partial under web/views read and compiled once when the
 * router is built, so a broken view stops start-up instead of a page. Values are escaped by
 * default ({{ }}); the one triple-stash is the layout's {{{body}}}, which is itself a rendered
 * view. Prototype access stays at Handlebars' deny-all default; views get plain objects.
 *
 * Helpers (the locale comes from the page's data, `@root.locale`):
 *   {{t "key" name=value}}        a message of i18n/messages.ts (a value made by {{zh}} stays markup)
 *   {{label "table" code}}        a code's words (i18n/labels.ts, the notices' labels)
 *   {{stepStatusText status awaitingScore}}  a step's status in words (what HR's points step waits for)
 *   {{date iso}} {{datetime iso}} a day / day and time in Asia/Shanghai
 *   {{zh text}}                   people's own words (names, material, notes): escaped, and on a
 *                                 page in another language marked lang="zh-CN" when Chinese
 *   {{eq a b}} {{not a}} {{or a b}} {{and a b}}   for #if
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { LOCALES, type Locale } from '../domain/vocabulary';
import { roundName, shanghaiDate, shanghaiDateTime } from '../i18n/formats';
import { label } from '../i18n/labels';
import { message } from '../i18n/messages';

export const VIEWS_DIR = path.join(__dirname, 'views');

function localeOf(options: Handlebars.HelperOptions): Locale {
  const root = (options.data as { root?: { locale?: unknown } } | undefined)?.root;
  const locale = root?.locale;
  if (!LOCALES.includes(locale as Locale)) throw new Error('page rendered without a locale');
  return locale as Locale;
}

const HAN = /\p{Script=Han}/u;

const HELPERS = {
  t(key: unknown, options: Handlebars.HelperOptions): string | Handlebars.SafeString {
    const locale = localeOf(options);
    const hash = options.hash as Record<string, unknown>;
    const values = Object.entries(hash);
    if (!values.some(([, v]) => v instanceof Handlebars.SafeString)) return message(locale, String(key), hash);
    // A value that is already markup (a {{zh}} part) goes in as it is; the message's own words and
    // every other value are escaped as {{ }} would escape them.
    const slots = Object.fromEntries(values.map(([k], i) => [k, `\uE000${i}\uE000`]));
    const html = Handlebars.escapeExpression(message(locale, String(key), slots)).replace(
      /\uE000(\d+)\uE000/g,
      (_m, i: string) => {
        const v = values[Number(i)]![1];
        return v instanceof Handlebars.SafeString ? v.toHTML() : Handlebars.escapeExpression(String(v));
      },
    );
    return new Handlebars.SafeString(html);
  },
  label(table: unknown, code: unknown, options: Handlebars.HelperOptions): string {
    return label(String(table), String(code), localeOf(options));
  },
  date(iso: unknown, options: Handlebars.HelperOptions): string {
    return typeof iso === 'string' && iso ? shanghaiDate(iso, localeOf(options)) : '';
  },
  datetime(iso: unknown, options: Handlebars.HelperOptions): string {
    return typeof iso === 'string' && iso ? shanghaiDateTime(iso, localeOf(options)) : '';
  },
  /** An admission round as the notices name it, inside a sentence: 2026年第2批次 / round 2026-2. */
  round(roundId: unknown, options: Handlebars.HelperOptions): string {
    return typeof roundId === 'string' && roundId ? roundName(roundId, localeOf(options)) : '';
  },
  /** The same in a cell whose label already says "round": 2026年第2批次 / 2026-2. */
  roundCell(roundId: unknown, options: Handlebars.HelperOptions): string {
    if (typeof roundId !== 'string' || !roundId) return '';
    const locale = localeOf(options);
    return locale === 'zh-CN' ? roundName(roundId, locale) : roundId;
  },
  /**
   * A step's status in plain words: HR's points step that waits for the other departments'
   * lookups says so rather than "being checked" (`awaitingScore`, app/views/case-views.ts).
   */
  stepStatusText(status: unknown, awaitingScore: unknown, options: Handlebars.HelperOptions): string {
    const locale = localeOf(options);
    return awaitingScore === true ? message(locale, 'stepAwaitingScore') : label('stepStatus', String(status), locale);
  },
  /**
   * Names, material items and notes are written in Chinese whatever the page's language: on an
   * English page a screen reader reads them with an English voice unless the part says its own
   * language (WCAG 3.1.2). Escaped here, as {{ }} would.
   */
  zh(text: unknown, options: Handlebars.HelperOptions): Handlebars.SafeString | string {
    const s = text === undefined || text === null ? '' : String(text);
    if (localeOf(options) === 'zh-CN' || !HAN.test(s)) return s;
    return new Handlebars.SafeString(`<span lang="zh-CN">${Handlebars.escapeExpression(s)}</span>`);
  },
  eq: (a: unknown, b: unknown) => a === b,
  not: (a: unknown) => !a,
  or: (a: unknown, b: unknown) => Boolean(a) || Boolean(b),
  and: (a: unknown, b: unknown) => Boolean(a) && Boolean(b),
} satisfies Record<string, Handlebars.HelperDelegate>;

export interface Views {
  /** The page `name` (web/views/pages/<name>.hbs) inside the layout. */
  render(name: string, data: Record<string, unknown>): string;
}

function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.hbs')) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(
      path
        .relative(dir, full)
        .replace(/\\/g, '/')
        .replace(/\.hbs$/, ''),
      readFileSync(full, 'utf8'),
    );
  }
  return out;
}

export function loadViews(dir = VIEWS_DIR): Views {
  const hbs = Handlebars.create();
  hbs.registerHelper(HELPERS);
  const compile = (source: string) =>
    hbs.compile(source, {
      knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((n) => [n, true])),
      preventIndent: true,
    });
  for (const [name, source] of readTree(path.join(dir, 'partials'))) hbs.registerPartial(name, source);
  const pages = new Map<string, Handlebars.TemplateDelegate>();
  for (const [name, source] of readTree(path.join(dir, 'pages'))) {
    const template = compile(source);
    // Compile now (Handlebars compiles lazily): a syntax error stops start-up, not a request.
    hbs.precompile(source);
    pages.set(name, template);
  }
  const layout = compile(readFileSync(path.join(dir, 'layout.hbs'), 'utf8'));
  hbs.precompile(readFileSync(path.join(dir, 'layout.hbs'), 'utf8'));

  return {
    render(name, data) {
      const page = pages.get(name);
      if (!page) throw new Error(`no page "${name}" in ${dir}/pages`);
      const body = page(data);
      return layout({ ...data, body });
    },
  };
}
