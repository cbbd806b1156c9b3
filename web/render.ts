/**
 * The pages' Handlebars: one private environment (helpers never leak into the global one, nor
 * the notices' into it), every view and partial under web/views read and compiled once when the
 * router is built, so a broken view stops start-up instead of a page. Values are escaped by
 * default ({{ }}); the one triple-stash is the layout's {{{body}}}, which is itself a rendered
 * view. Prototype access stays at Handlebars' deny-all default; views get plain objects.
 *
 * Helpers (the locale comes from the page's data, `@root.locale`):
 *   {{t "key" name=value}}        a message of i18n/messages.ts
 *   {{label "table" code}}        a code's words (i18n/labels.ts, the notices' labels)
 *   {{stepStatusText status awaitingScore}}  a step's status in words (what HR's points step waits for)
 *   {{date iso}} {{datetime iso}} a day / day and time in Asia/Shanghai
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

const HELPERS = {
  t(key: unknown, options: Handlebars.HelperOptions): string {
    return message(localeOf(options), String(key), options.hash as Record<string, unknown>);
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
