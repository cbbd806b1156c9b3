/**
 * Apply (§1, §2, §8, §21–23): the application form, mobile first and without JavaScript. The
 * form builds the same input the JSON API takes and validates it with the same schema
 * (app/commands/application-input.ts); the schema's findings and the open-case refusal (§8)
 * come back next to the fields they name, in the applicant's language.
 */
import type { Request, Response, Router } from 'express';
import { ApplicationInput, MAX_FAMILY_MEMBERS, NAME_MAX } from '../../../app/commands/application-input';
import { familyRefusalsLeft, submitApplication } from '../../../app/commands/submit-application';
import type { AppDeps } from '../../../app/deps';
import { AppError, type InvalidParam } from '../../../app/errors';
import { viewCaseAsApplicant } from '../../../app/queries/view-case';
import { validateIdNumber, type IdNumberErrorReason } from '../../../domain/id-number';
import { shanghaiToday } from '../../../domain/shanghai-clock';
import { DISTRICTS, LOCALES, SCHOOL_LEVELS, TOWNS, type Locale } from '../../../domain/vocabulary';
import type { MessageKey } from '../../../i18n/messages';
import { LIST_SEPARATOR } from '../../../i18n/formats';
import { label } from '../../../i18n/labels';
import type { Area } from '../../../domain/capacity';
import { personStanding } from '../../../app/commands/open-case-locks';
import { actorOf, render, showMessage, tr } from '../page';
import { field, FieldErrors, newRequestId, requestIdOf, type FormBody } from './form';
import { isCaseId } from './case-id';
import { takeKeptApplication } from '../kept-form';
import { normalizeEmail } from '../../../domain/email';

/** Rows the form offers for family members; blank rows are ignored. */
export const FAMILY_ROWS = Math.min(4, MAX_FAMILY_MEMBERS);
const RELATIONS = ['spouse', 'child', 'parent', 'other'] as const;

/** What the form posted, kept as typed so the page can show it again on error. */
interface ApplyForm {
  route: string;
  area: string;
  name: string;
  idNumber: string;
  phone: string;
  email: string;
  noticeLocale: string;
  family: Array<{ name: string; idNumber: string; relation: string; schoolLevel: string }>;
}

function readForm(body: FormBody | undefined): ApplyForm {
  return {
    route: field(body, 'route'),
    area: field(body, 'area'),
    name: field(body, 'applicant-name'),
    idNumber: field(body, 'applicant-idNumber'),
    phone: field(body, 'contact-phone'),
    // Given back as the application's schema reads it (＠ and full-width letters as ASCII).
    email: normalizeEmail(field(body, 'contact-email')),
    noticeLocale: field(body, 'contact-locale'),
    family: Array.from({ length: FAMILY_ROWS }, (_, i) => ({
      name: field(body, `family-${i}-name`),
      idNumber: field(body, `family-${i}-idNumber`),
      relation: field(body, `family-${i}-relation`),
      schoolLevel: field(body, `family-${i}-schoolLevel`),
    })),
  };
}

const isBlankRow = (m: ApplyForm['family'][number]) => !m.name && !m.idNumber && !m.relation && !m.schoolLevel;

/** The application input as the API would receive it, and which form row each family entry came from. */
function inputOf(form: ApplyForm): { input: Record<string, unknown>; rows: number[] } {
  const rows = form.family.flatMap((m, i) => (isBlankRow(m) ? [] : [i]));
  const isTown = (TOWNS as readonly string[]).includes(form.area);
  const isDistrict = (DISTRICTS as readonly string[]).includes(form.area);
  return {
    rows,
    input: {
      route: form.route || undefined,
      ...(isTown ? { town: form.area } : {}),
      ...(isDistrict ? { district: form.area } : {}),
      applicant: { name: form.name, idNumber: form.idNumber },
      family: rows.map((i) => {
        const m = form.family[i]!;
        return {
          name: m.name,
          idNumber: m.idNumber,
          relation: m.relation || undefined,
          ...(m.schoolLevel ? { schoolLevel: m.schoolLevel } : {}),
        };
      }),
      contact: {
        phone: form.phone,
        ...(form.email ? { email: form.email } : {}),
        locale: form.noticeLocale || undefined,
      },
    },
  };
}

const ID_REASON: Record<IdNumberErrorReason, MessageKey> = {
  length: 'apErrIdLength',
  characters: 'apErrIdCharacters',
  province: 'apErrIdProvince',
  birth_date: 'apErrIdBirthDate',
  future_birth_date: 'apErrIdBirthDate',
  check_digit: 'apErrIdCheckDigit',
};

/**
 * The field id and the words for a problem at `path` (a JSON pointer into the input, as the
 * schema and the application layer name them). `openCase` marks the §8 refusal.
 */
/** The §8 refusals of a submission (app/commands/open-case-locks.ts) and what each person's field says. */
const PERSON_CLASHES: Partial<Record<string, MessageKey>> = {
  'open-case-exists': 'apErrIdInOpenCase',
  'person-already-settled': 'apErrIdSettled',
  // A tampered post: the form shows the account's own ID number, read-only.
  'not-account-holder': 'apErrIdNotAccountHolder',
};

function describe(path: string, form: ApplyForm, rows: number[], personClash?: MessageKey): [string, MessageKey] {
  const parts = path.split('/').filter(Boolean);
  const [head, second, third] = parts;
  if (head === 'route') return ['route', 'apErrRoute'];
  if (head === 'town' || head === 'district') {
    // A place of the other route is named, with the route it belongs to (§1 towns, §2 districts).
    if (form.route === 'town' && isDistrict(form.area)) return ['area', 'apErrAreaNotTown'];
    if (form.route === 'points' && isTown(form.area)) return ['area', 'apErrAreaNotDistrict'];
    return ['area', 'apErrArea'];
  }
  if (head === 'contact') {
    if (second === 'email') return ['contact-email', 'apErrEmail'];
    // A language the select does not offer (a tampered post) is named at the select, not the phone.
    if (second === 'locale') return ['contact-locale', 'apErrNoticeLocale'];
    return ['contact-phone', 'apErrPhone'];
  }
  let prefix: string;
  let person: { name: string; idNumber: string };
  let key: string | undefined;
  if (head === 'applicant') {
    prefix = 'applicant';
    person = form;
    key = second;
  } else if (head === 'family' && second !== undefined && third !== undefined) {
    const row = rows[Number(second)] ?? 0;
    prefix = `family-${row}`;
    person = form.family[row] ?? { name: '', idNumber: '' };
    key = third;
  } else if (head === 'family') {
    return ['family-0-name', 'apErrTooMany'];
  } else {
    return ['applicant-name', 'apErrGeneric'];
  }
  switch (key) {
    case 'name':
      if (!person.name) return [`${prefix}-name`, 'apErrNameRequired'];
      return [`${prefix}-name`, person.name.trim().length > NAME_MAX ? 'apErrNameTooLong' : 'apErrNameInvalid'];
    case 'idNumber': {
      // A member's clash, said of the member (此人); the account holder's own is a page of its own (below).
      if (personClash) return [`${prefix}-idNumber`, personClash];
      if (!person.idNumber) return [`${prefix}-idNumber`, 'apErrIdRequired'];
      const r = validateIdNumber(person.idNumber, { today: shanghaiToday() });
      // A valid number the schema still refused is the same person given twice.
      return [`${prefix}-idNumber`, r.ok ? 'apErrIdDuplicate' : ID_REASON[r.reason]];
    }
    // A child's relation and school level are also checked against the ID numbers (§21–23).
    case 'relation':
      return [`${prefix}-relation`, relationProblem('relation' in person ? String(person.relation) : '')];
    case 'schoolLevel':
      return [`${prefix}-schoolLevel`, isChild(person) ? 'apErrSchoolAge' : 'apErrSchoolLevel'];
    default:
      return [`${prefix}-name`, 'apErrGeneric'];
  }
}

/** A relation the ID numbers contradict, said for that relation. */
const RELATION_PROBLEM: Partial<Record<string, MessageKey>> = {
  child: 'apErrChildOlder',
  parent: 'apErrParentTooYoung',
  spouse: 'apErrSpouseTooYoung',
};
/** Own keys only: a relation posted as `__proto__` is a wrong relation, not Object.prototype as a message key (a 500). */
const relationProblem = (relation: string): MessageKey =>
  (Object.hasOwn(RELATION_PROBLEM, relation) ? RELATION_PROBLEM[relation] : undefined) ?? 'apErrRelation';
const isChild = (person: object): boolean => 'relation' in person && person.relation === 'child';
const isDistrict = (v: string): boolean => (DISTRICTS as readonly string[]).includes(v);
const isTown = (v: string): boolean => (TOWNS as readonly string[]).includes(v);
const placesOf = (req: Request, codes: readonly Area[]): string =>
  codes.map((c) => label('area', c, req.locale)).join(LIST_SEPARATOR[req.locale]);

/**
 * Whose field an error is at, for the summary above the form (next to the field it is plain):
 * "申请人" or "家庭成员 2（王小明）". Empty for the route, place and contact.
 */
function whoseField(req: Request, id: string, form: ApplyForm): string {
  if (id.startsWith('applicant-')) return tr(req, 'apWhoseApplicant');
  const m = /^family-(\d+)-/.exec(id);
  if (!m) return '';
  const row = Number(m[1]);
  const name = form.family[row]?.name.trim();
  // A name pasted far too long is not repeated whole at the top of a phone's screen.
  const chars = Array.from(name ?? '');
  const shown = chars.length > 12 ? `${chars.slice(0, 12).join('')}…` : name;
  return tr(req, name ? 'apWhoseFamilyNamed' : 'apWhoseFamily', { n: row + 1, name: shown });
}

/** Errors in the order of the form, so the summary reads top to bottom. */
const FIELD_ORDER = (id: string): number => {
  const fixed = ['route', 'area', 'applicant-name', 'applicant-idNumber', 'contact-phone', 'contact-email', 'contact-locale'];
  const at = fixed.indexOf(id);
  if (at >= 0) return at;
  const m = /^family-(\d+)-(name|idNumber|relation|schoolLevel)$/.exec(id);
  return m ? 10 + Number(m[1]) * 4 + ['name', 'idNumber', 'relation', 'schoolLevel'].indexOf(m[2]!) : 100;
};

/** `personClash`: the message for each person §8 refused (in an open case, or settled here already). */
function errorsOf(
  req: Request,
  problems: InvalidParam[],
  form: ApplyForm,
  rows: number[],
  personClash?: MessageKey,
): FieldErrors {
  const errors = new FieldErrors(req);
  const described = problems.map((p) => describe(p.path, form, rows, personClash));
  described.sort((a, b) => FIELD_ORDER(a[0]) - FIELD_ORDER(b[0]));
  // Only a place the form offers is named (a tampered post may send anything).
  const place = isDistrict(form.area) || isTown(form.area) ? label('area', form.area as Area, req.locale) : '';
  for (const [id, key] of described)
    errors.add(id, key, { place, towns: placesOf(req, TOWNS), whose: whoseField(req, id, form) });
  return errors;
}

function showForm(
  req: Request,
  res: Response,
  form: ApplyForm,
  requestId: string,
  errors?: FieldErrors,
  familyLocked = false,
  restored = false,
): void {
  const locale = req.locale;
  const option = (table: 'area' | 'relation' | 'schoolLevel', code: string, selected: string) => ({
    value: code,
    table,
    selected: code === selected,
  });
  render(
    req,
    res,
    'applicant/apply',
    {
      title: tr(req, 'apApplyTitle'),
      languageForm: { id: 'apply-form', action: '/applicant/apply', submit: tr(req, 'apSubmit') },
      familyLocked,
      restored,
      errors: errors?.list,
      fieldErrors: errors?.byField() ?? {},
      requestId,
      form,
      routeTown: form.route === 'town',
      routePoints: form.route === 'points',
      towns: TOWNS.map((c) => option('area', c, form.area)),
      districts: DISTRICTS.map((c) => option('area', c, form.area)),
      locales: LOCALES.map((l: Locale) => ({
        value: l,
        text: l === 'zh-CN' ? '中文' : 'English',
        selected: l === (form.noticeLocale || locale),
      })),
      family: form.family.map((m, i) => ({
        ...m,
        index: i,
        n: i + 1,
        relations: RELATIONS.map((c) => option('relation', c, m.relation)),
        schoolLevels: SCHOOL_LEVELS.map((c) => option('schoolLevel', c, m.schoolLevel)),
        errors: {
          name: errors?.byField()[`family-${i}-name`],
          idNumber: errors?.byField()[`family-${i}-idNumber`],
          relation: errors?.byField()[`family-${i}-relation`],
          schoolLevel: errors?.byField()[`family-${i}-schoolLevel`],
        },
      })),
    },
    errors?.any ? 400 : 200,
  );
}

/** An account the provider verified no ID number for cannot apply online (it can still track cases). */
const showUnverified = (req: Request, res: Response) =>
  showMessage(req, res, 403, 'apNoVerifiedIdTitle', ['apNoVerifiedIdText'], { href: '/applicant/cases', key: 'backToHome' });

/** Told before the form is filled in, not after: today's bound on refused families is reached. */
const familyLockedFor = async (deps: AppDeps, sub: string): Promise<boolean> =>
  (await familyRefusalsLeft(deps, sub).catch(() => 1)) === 0;

/** Someone in an open case, or settled here, cannot apply (§8): said with the way to their applications. */
const showStanding = (req: Request, res: Response, standing: 'busy' | 'settled', status: number) =>
  showMessage(
    req,
    res,
    status,
    standing === 'settled' ? 'apCannotApplySettledTitle' : 'apCannotApplyBusyTitle',
    [standing === 'settled' ? 'apCannotApplySettledText' : 'apCannotApplyBusyText'],
    { href: '/applicant/cases', key: 'navMyCases' },
  );

export function applyPages(router: Router, deps: AppDeps): void {
  router.get('/applicant/apply', async (req, res) => {
    const actor = actorOf(req, 'applicant');
    if (!actor.idNumber) return showUnverified(req, res);
    // §8: someone in an open case, or settled here, learns it before filling in the form, not after.
    // Advisory (the locks decide at submission): a store or Temporal that does not answer now
    // leaves the form to be filled in, as before.
    const standing = await personStanding(deps, actor.idNumber).catch((err: unknown) => {
      deps.logger.warn({ reqId: req.id, err: err instanceof Error ? err.message : String(err) }, 'apply page: standing unknown');
      return undefined;
    });
    if (standing) return showStanding(req, res, standing, 200);
    const familyLocked = await familyLockedFor(deps, actor.sub);
    // The form this account posted after its session ended (web/pages/kept-form.ts): filled in
    // again, with its request id, so that nothing typed on the phone is lost to signing in again.
    const kept = takeKeptApplication(req, actor.idNumber);
    if (kept)
      return showForm(
        req,
        res,
        { ...readForm(kept.fields), idNumber: actor.idNumber },
        requestIdOf(kept.fields),
        undefined,
        familyLocked,
        true,
      );
    // The applicant is the account holder (app/commands/submit-application.ts): their verified ID
    // number, read-only, and the name their account gives, which they may correct.
    const name = req.session.user?.name ?? '';
    showForm(
      req,
      res,
      { ...readForm(undefined), idNumber: actor.idNumber, name: name === actor.sub ? '' : name },
      newRequestId(),
      undefined,
      familyLocked,
    );
  });

  router.post('/applicant/apply', async (req, res) => {
    const actor = actorOf(req, 'applicant');
    if (!actor.idNumber) return showUnverified(req, res);
    const body = req.body as FormBody | undefined;
    const posted = readForm(body);
    const requestId = requestIdOf(body);
    const { input, rows } = inputOf(posted);
    // Shown again with the account's own number in the read-only field: a tampered post's other
    // number (refused below) would stand there with no way to correct it.
    const form = { ...posted, idNumber: actor.idNumber };
    // The language switch: the form again in the other language (chooseLocale read `?lang=`), as typed.
    if (body?._redraw === '1') return showForm(req, res, form, requestId, undefined, await familyLockedFor(deps, actor.sub));
    const parsed = ApplicationInput.safeParse(input);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => ({ path: `/${i.path.join('/')}`, message: i.message }));
      return showForm(req, res, form, requestId, errorsOf(req, problems, posted, rows));
    }
    try {
      const accepted = await submitApplication(deps, {
        actor,
        application: parsed.data,
        idempotencyKey: `web:${requestId}`,
      });
      res.redirect(303, `/applicant/cases/${accepted.caseId}/submitted`);
    } catch (err) {
      // §8: a person already in an open case, or settled here by an earlier one, is named next to
      // their ID number, never the other case.
      const clash = err instanceof AppError ? PERSON_CLASHES[err.code] : undefined;
      // The account holder's own: this form cannot be sent at all (sent from a second tab after the
      // first, say), so the page says so with the way to the application in progress, as the form's
      // own page would have said before it was filled in.
      const own = err instanceof AppError && err.invalidParams?.some((p) => p.path === '/applicant/idNumber');
      if (own && (clash === 'apErrIdInOpenCase' || clash === 'apErrIdSettled'))
        return showStanding(req, res, clash === 'apErrIdSettled' ? 'settled' : 'busy', 409);
      if (clash && err instanceof AppError && err.invalidParams?.length) {
        return showForm(req, res, form, requestId, errorsOf(req, [...err.invalidParams], posted, rows, clash));
      }
      // The bound on refusals naming family members, in the page's language (the error's own text is English).
      if (err instanceof AppError && err.code === 'too-many-refused-applications') {
        return showMessage(req, res, 429, 'apTooManyRefusedTitle', ['apTooManyRefusedText'], {
          href: '/applicant/cases',
          key: 'navMyCases',
        });
      }
      throw err;
    }
  });

  router.get('/applicant/cases/:caseId/submitted', async (req, res, next) => {
    const caseId = req.params.caseId;
    if (!isCaseId(caseId)) return next();
    const view = await viewCaseAsApplicant(deps, { actor: actorOf(req, 'applicant'), caseId });
    render(req, res, 'applicant/submitted', {
      title: tr(req, 'apSubmittedTitle'),
      caseId: view.caseId,
      caseNumber: view.caseNumber,
    });
  });
}
