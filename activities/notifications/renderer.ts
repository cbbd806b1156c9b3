/**
 * Renders notices: the full notice (the letter) from the Handlebars templates in
 * templates/<event>/email.<locale>.hbs, and the SMS from the provider's approved text
 * (policy/sms-templates.json) filled with the event's variables (templates/sms-params.ts).
 *
 * An SMS is only ever what the provider approved: a mainland provider sends no other text. So its
 * body is that text with the sign name before it, exactly as the handset shows it, and the full
 * notice it points to ("全文请在服务平台查阅") travels with it as `letter`, the same letter an
 * email carries: the service platform shows it to an applicant who gave no email address.
 *
 * Subject convention: the first line of every template is a Handlebars comment
 *
 *     {{!-- subject: 受理通知（{{caseNumber}}） --}}
 *
 * The text after `subject:` is itself a small plain-text template rendered with the same data and
 * helpers; the rest of the file is the body, which sees the rendered subject as `{{@subject}}`
 * (the email <title>). Both see the platform's name (i18n/service-name.ts) as `{{@service}}`.
 * SMS carries no subject on the wire; it takes the letter's, which names the notice in the outbox
 * and in logs, so a subject never contains personal data beyond the case number.
 *
 * All templates are read and compiled when the renderer is created: a missing file, a missing
 * subject line, a syntax error or an unknown helper stops start-up rather than a live case.
 *
 * Safety: a private Handlebars environment (helpers never leak into or from the global one);
 * prototype access stays at Handlebars' deny-all default; `strict` makes a misspelt field throw
 * instead of printing nothing. Data is validated against templates/schemas.ts first, then every
 * string is stripped of control characters and any ID number inside free text is masked. Letters
 * use ordinary {{ }} escaping; subjects are plain text, compiled with `noEscape`. SMS variables are
 * plain text as the provider fills them.
 *
 * Decision letters (rejected, terminated; 行政许可法 第三十八条) also see `{{@letter}}`: the issuing
 * department's name, the legal basis, the reconsideration body, the court and the appeal periods,
 * in the notice's locale, from the authorities data (policy/authorities) in force on the
 * decision's day — the same version whose prefix the letter's document number carries.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import {
  LOCALES,
  NOTICE_EVENTS,
  type Channel,
  type Department,
  type District,
  type Locale,
  type NoticeEvent,
  type Town,
} from '../../domain/vocabulary';
import { authoritiesAt, decisionLetterFacts, type Authorities, type DecisionLetterFacts } from '../../domain/authorities';
import { maskIdNumbersInText } from '../../domain/masking';
import { NOTICE_SCHEMAS, stripControlCharacters, type NoticeData, type ParsedNoticeData } from '../../templates/schemas';
import { allAuthorities, allPointsPolicies } from '../../policy/policy-files';
import type { DatedVersion } from '../../domain/points-policy';
import { label } from '../../i18n/labels';
import { localOffice } from '../../i18n/local-office';
import { LIST_SEPARATOR, roundName, shanghaiDate, shanghaiDateTime } from '../../i18n/formats';
import { fillSmsText, smsParams } from '../../templates/sms-params';
import { withoutEmailLines } from '../../templates/email-only';
import { loadSmsTemplates, type SmsTemplates } from '../../policy/sms-templates';
import { SERVICE_NAME } from '../../i18n/service-name';

export interface RenderedNotice {
  subject: string;
  /** Email: the HTML letter. SMS: what the handset shows, 【sign name】 and the approved text filled. */
  body: string;
  /** SMS only: how the provider is asked to send it, and the full notice it points to. */
  sms?: {
    templateId: string;
    /** The variables of the approved text, {1} first (templates/sms-params.ts). */
    params: string[];
    /** The HTML letter an email of the same notice carries (less its email-only lines), shown on the service platform. */
    letter: string;
  };
}

export interface NoticeRenderer {
  render<E extends NoticeEvent>(event: E, channel: Channel, locale: Locale, data: NoticeData<E>): RenderedNotice;
  /**
   * The notice for every channel from one rendering of its letter: an applicant's SMS and email
   * carry the same letter, so a notice sent both ways is rendered once.
   */
  renderChannels<E extends NoticeEvent>(event: E, locale: Locale, data: NoticeData<E>): Record<Channel, RenderedNotice>;
}

export interface NoticeDataIssue {
  /** Dotted path of the offending field, e.g. `reasons.0.code`; `(root)` for the object itself. */
  path: string;
  message: string;
}

/** Thrown when notice data does not match its schema. Names fields, never echoes their values. */
export class NoticeDataError extends Error {
  override readonly name = 'NoticeDataError';
  constructor(
    readonly event: NoticeEvent,
    readonly issues: readonly NoticeDataIssue[],
  ) {
    super(`invalid data for notice "${event}": ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

export const DEFAULT_TEMPLATES_DIR = path.resolve(__dirname, '..', '..', 'templates');

/** Where the letter template for one event and locale lives, relative to the templates folder. */
export function templateFile(event: NoticeEvent, locale: Locale): string {
  return path.join(event, `email.${locale}.hbs`);
}

type Hbs = typeof Handlebars;
type Compiled = { subject: Handlebars.TemplateDelegate; body: Handlebars.TemplateDelegate };

const SUBJECT_LINE = /^\{\{!--\s*subject:\s*(.*?)\s*--\}\}[ \t]*\r?\n/;

const HELPERS = {
  /** {{t "department" department}}: the label of a code in the notice's locale. */
  t(table: unknown, code: unknown, options: Handlebars.HelperOptions): string {
    return label(asString(table, 't'), asString(code, 't'), localeOf(options));
  },
  /** {{tjoin "department" departments}}: labels of a list of codes, joined the way the locale lists things. */
  tjoin(table: unknown, codes: unknown, options: Handlebars.HelperOptions): string {
    if (!Array.isArray(codes)) throw new Error('tjoin: expected a list of codes');
    const locale = localeOf(options);
    return codes.map((c) => label(asString(table, 'tjoin'), asString(c, 'tjoin'), locale)).join(LIST_SEPARATOR[locale]);
  },
  /** {{date submittedAt}}: 2026年3月5日 / 2026-03-05, the calendar day in Asia/Shanghai. */
  date(iso: unknown, options: Handlebars.HelperOptions): string {
    return shanghaiDate(asString(iso, 'date'), localeOf(options));
  },
  /** {{round roundId}}: 2026年第2批次 / round 2026-2, the round as the SMS and the pages name it. */
  round(roundId: unknown, options: Handlebars.HelperOptions): string {
    return roundName(asString(roundId, 'round'), localeOf(options));
  },
  /** {{#if (is waitingOn "department_system")}}: a data field equals a code, for a template's variants. */
  is(value: unknown, code: unknown): boolean {
    return value === code;
  },
  /** {{datetime dueAt}}: the day as above plus HH:mm, Beijing time; templates say "(Beijing time)". */
  datetime(iso: unknown, options: Handlebars.HelperOptions): string {
    return shanghaiDateTime(asString(iso, 'datetime'), localeOf(options));
  },
  /** {{office department area}}: the department's office that serves the area (i18n/local-office.ts). */
  office(department: unknown, area: unknown, options: Handlebars.HelperOptions): string {
    return localOffice(
      asString(department, 'office') as Department,
      asString(area, 'office') as Town | District,
      localeOf(options),
    );
  },
  /** {{offices departments area}}: those offices for a list of departments, joined as the locale lists things. */
  offices(departments: unknown, area: unknown, options: Handlebars.HelperOptions): string {
    if (!Array.isArray(departments)) throw new Error('offices: expected a list of departments');
    const locale = localeOf(options);
    const where = asString(area, 'offices') as Town | District;
    return departments.map((d) => localOffice(asString(d, 'offices') as Department, where, locale)).join(LIST_SEPARATOR[locale]);
  },
  /**
   * {{sentence reason}}: a text an officer or supervisor typed, closed as a sentence of the letter
   * (。 / .) unless it already ends with a full stop, question or exclamation mark.
   */
  sentence(text: unknown, options: Handlebars.HelperOptions): string {
    // A pause mark left at the end (，；：) gives way to the full stop. The Chinese letter closes
    // with 。, the English one too where the text itself ends in Chinese.
    const s = asString(text, 'sentence')
      .trimEnd()
      .replace(/[，、；：,;:]+$/u, '');
    if (/[。！？.!?…]$/u.test(s)) return s;
    const chinese = localeOf(options) === 'zh-CN' || /[\u3400-\u9fff\uff00-\uffef」』）]$/u.test(s);
    return s + (chinese ? '。' : '.');
  },
} satisfies Record<string, Handlebars.HelperDelegate>;

function asString(value: unknown, helper: string): string {
  if (typeof value !== 'string') throw new Error(`${helper}: expected a string, got ${typeof value}`);
  return value;
}

function localeOf(options: Handlebars.HelperOptions): Locale {
  const locale: unknown = (options.data as { locale?: unknown } | undefined)?.locale;
  if (!LOCALES.includes(locale as Locale)) throw new Error('notice rendered without a locale');
  return locale as Locale;
}

/**
 * A plain copy of validated data: every string stripped of control characters, and any full ID
 * number that slipped into free text (an officer's note, a supplement item) masked. The schema
 * already refuses unmasked values in ID fields; this covers the fields that are prose.
 */
function plainText(value: unknown): unknown {
  if (typeof value === 'string') return maskIdNumbersInText(stripControlCharacters(value));
  if (Array.isArray(value)) return value.map(plainText);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainText(v)]));
  }
  return value;
}

function compileEagerly(hbs: Hbs, source: string, noEscape: boolean): Handlebars.TemplateDelegate {
  const options: CompileOptions = {
    strict: true,
    noEscape,
    knownHelpers: Object.fromEntries(Object.keys(HELPERS).map((name) => [name, true])),
    knownHelpersOnly: true,
  };
  // compile() defers all work to the first render; precompile() runs the same parser and code
  // generator now, so a broken template fails at start-up.
  hbs.precompile(source, options);
  return hbs.compile(source, options);
}

function loadTemplate(hbs: Hbs, dir: string, event: NoticeEvent, locale: Locale): Compiled {
  const file = templateFile(event, locale);
  const source = readFileSync(path.join(dir, file), 'utf8').replace(/^\uFEFF/, '');
  const subjectLine = SUBJECT_LINE.exec(source);
  if (subjectLine === null || subjectLine[1] === undefined || subjectLine[1] === '') {
    throw new Error(`notice template ${file} must start with a line {{!-- subject: ... --}}`);
  }
  try {
    return {
      subject: compileEagerly(hbs, subjectLine[1], true),
      body: compileEagerly(hbs, source.slice(subjectLine[0].length), false),
    };
  } catch (err) {
    throw new Error(`notice template ${file} does not compile: ${(err as Error).message}`, { cause: err });
  }
}

type DecisionLetterData = ParsedNoticeData<'rejected'> | ParsedNoticeData<'terminated'>;

/**
 * The `@letter` facts of a decision letter, or undefined for any other notice. Data the
 * authorities cannot cover (a decision before the first version) is a NoticeDataError: the
 * letter is kept as failed and audited rather than retried forever.
 */
function letterFacts(
  policy: PolicyData,
  event: NoticeEvent,
  context: unknown,
  locale: Locale,
): DecisionLetterFacts<unknown> | undefined {
  if (event !== 'rejected' && event !== 'terminated') return undefined;
  const data = context as DecisionLetterData;
  // Read outside the try: a policy folder that does not load (a file being edited) fails this
  // render as an error that is retried, not as the letter's own data, which is kept failed.
  const authorities = policy.authorities();
  // A letter names the points policy by the day it took effect, which a reader can look up; the
  // version code stays beside it for the file.
  const inForceFrom = data.policyVersion ? policy.pointsPolicies().find((p) => p.version === data.policyVersion) : undefined;
  try {
    return decisionLetterFacts(
      authoritiesAt(authorities, data.decidedAt),
      {
        department: data.issuingDepartment,
        route: data.route,
        ...(data.policyVersion ? { policyVersion: data.policyVersion } : {}),
        ...(inForceFrom ? { policyInForceFrom: inForceFrom.effectiveFrom } : {}),
        reasons: 'reasons' in data ? data.reasons : [],
      },
      locale,
    );
  } catch (err) {
    throw new NoticeDataError(event, [{ path: 'decidedAt', message: (err as Error).message }]);
  }
}

/**
 * The authorities and points-policy files a decision letter reads, as they are on disk when it is
 * rendered (each file parsed again only when it changed: policy/parsed-file.ts), so a new version
 * applies to the next letter without a restart, as every other policy file does.
 */
interface PolicyData {
  authorities(): readonly Authorities[];
  pointsPolicies(): readonly DatedVersion[];
}

export interface RendererOptions {
  /** Default: the repository's templates/ folder. */
  templatesDir?: string;
  /** Default: every version in policy/authorities, validated now and read again for each decision letter. */
  authorities?: readonly Authorities[];
  /** Default: every version in policy/points, likewise. */
  pointsPolicies?: readonly DatedVersion[];
  /** Where the authorities versions are read when not given (AUTHORITIES_DIR); default policy/authorities. */
  authoritiesDir?: string;
  /** Where the points policy versions are read when not given (POINTS_DIR); default policy/points. */
  pointsDir?: string;
  /** The provider's approved SMS texts as they are now; default policy/sms-templates.json (a worker passes SMS_TEMPLATES_FILE's). */
  smsTemplates?: () => SmsTemplates;
  /**
   * The platform's public address (WEB_BASE_URL), printed under its name in every letter so a
   * reader knows where to follow the case; none when unset (a letter never names a local address).
   */
  serviceUrl?: string;
}

/**
 * Reads and compiles all event × locale letter templates. Throws, naming every missing file, if
 * any template is absent.
 */
export function createNoticeRenderer(options: RendererOptions = {}): NoticeRenderer {
  const { templatesDir = DEFAULT_TEMPLATES_DIR, smsTemplates = () => loadSmsTemplates(), serviceUrl } = options;
  const given = { authorities: options.authorities, pointsPolicies: options.pointsPolicies };
  const policy: PolicyData = {
    authorities: () => given.authorities ?? allAuthorities(options.authoritiesDir),
    pointsPolicies: () => given.pointsPolicies ?? allPointsPolicies(options.pointsDir),
  };
  // Validated now: a worker with broken policy files does not start.
  policy.authorities();
  policy.pointsPolicies();
  smsTemplates();
  const hbs = Handlebars.create();
  hbs.registerHelper(HELPERS);

  const wanted = NOTICE_EVENTS.flatMap((event) => LOCALES.map((locale) => ({ event, locale })));
  const missing = wanted
    .map(({ event, locale }) => templateFile(event, locale))
    .filter((file) => !isReadableFile(path.join(templatesDir, file)));
  if (missing.length > 0) {
    throw new Error(`notice templates missing in ${templatesDir}: ${missing.join(', ')}`);
  }

  const templates = new Map<string, Compiled>();
  for (const { event, locale } of wanted) templates.set(key(event, locale), loadTemplate(hbs, templatesDir, event, locale));

  const renderer: NoticeRenderer = {
    render(event, channel, locale, data) {
      return renderer.renderChannels(event, locale, data)[channel];
    },
    renderChannels(event, locale, data) {
      const template = templates.get(key(event, locale));
      if (template === undefined) throw new Error(`no notice template for ${event}/${locale}`);

      const parsed = NOTICE_SCHEMAS[event].safeParse(data);
      if (!parsed.success) {
        throw new NoticeDataError(
          event,
          parsed.error.issues.map((i) => ({
            path: i.path.length > 0 ? i.path.map(String).join('.') : '(root)',
            message: i.message,
          })),
        );
      }
      const context = plainText(parsed.data);
      const letter = letterFacts(policy, event, context, locale);

      const service = SERVICE_NAME[locale];
      const subject = stripControlCharacters(template.subject(context, { data: { locale, letter, service } }))
        .replace(/\s+/g, ' ')
        .trim();
      const html = `${template.body(context, { data: { locale, subject, letter, service, serviceUrl } }).trim()}\n`;
      // All that reaches the phone: the approved text, filled; the provider puts the sign name first.
      const sms = smsTemplates();
      const approved = sms.templates[event][locale];
      const params = smsParams(event, context as ParsedNoticeData<typeof event>, locale, letter);
      return {
        email: { subject, body: html },
        sms: {
          subject,
          body: `【${sms.signName}】${fillSmsText(approved.text, params)}`,
          sms: { templateId: approved.id, params, letter: withoutEmailLines(html) },
        },
      };
    },
  };
  return renderer;
}

function key(event: NoticeEvent, locale: Locale): string {
  return `${event}/${locale}`;
}

function isReadableFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
