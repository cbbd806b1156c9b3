/**
 * The published admission rankings (issue 13; §2 "公开透明"), for everyone and without signing in:
 * the rounds, and one round's masked ranking per district with each entry's points by indicator,
 * the cut-off and the end of the public-notice period (公示). Phone first, like the applicant
 * portal. During the notice period a signed-in person may object to an entry (applicants, officers
 * and supervisors; auditors and operators read, as the API refuses their objections): one page
 * per objection, the reason required; it goes to supervisors, never onto the public page.
 */
import { Router, type Request, type Response } from 'express';
import { isOwnEntry, lodgeObjection, mayObject, OBJECTING_ROLES } from '../../app/commands/admission-rounds';
import { ObjectionInput, ROUND_ID } from '../../app/commands/round-input';
import type { Actor } from '../../app/actor';
import type { AppDeps } from '../../app/deps';
import { listRounds, viewRoundPublic } from '../../app/queries/admission-rankings';
import type { PublicRoundView } from '../../app/views/round-views';
import { objectable, takesObjections } from '../../domain/admission-rounds';
import { field, FieldErrors, newRequestId, requestIdOf, type FormBody } from './applicant/form';
import { flashAndRedirect, render, requireAnyRole, signedInActor, tr } from './page';
import { roundDisplay, roundRows, words } from './rounds/round-display';
import { roundName } from '../../i18n/formats';
import type { MessageKey } from '../../i18n/messages';
import { AppError } from '../../app/errors';

/** The round's refusals of an objection (app/round-calls.ts), as the objection page says them. */
const REFUSED = {
  'entry-not-found': [404, 'notFoundTitle', 'notFoundText'],
  'round-not-in-notice': [409, 'conflictTitle', 'rdObjectionNotInNotice'],
  'entry-not-objectable': [409, 'conflictTitle', 'rdEntryNotObjectable'],
  'objection-already-lodged': [409, 'conflictTitle', 'rdObjectionAlreadyLodged'],
  'own-entry': [409, 'conflictTitle', 'rdOwnEntry'],
} as const satisfies Record<string, readonly [number, MessageKey, MessageKey]>;

const roundHref = (roundId: string) => `/rounds/${roundId}`;
const objectionHref = (roundId: string, entryId: string) =>
  `/rounds/${roundId}/objections/new?entry=${encodeURIComponent(entryId)}`;

/** The round id of the URL, or undefined (the path is then nobody's: 404). */
function roundIdOf(req: Request): string | undefined {
  const id = req.params.roundId;
  return typeof id === 'string' && ROUND_ID.test(id) ? id : undefined;
}

function entryOf(view: PublicRoundView, entryId: string) {
  return view.districts.flatMap((d) => d.entries).find((e) => e.entryId === entryId);
}

/**
 * Whether a round's page offers its visitor the object links: during the notice, to those who may
 * object (the API's rule); a signed-in auditor or operator is told why there are none.
 */
export function objectionOffer(
  view: Pick<PublicRoundView, 'stage' | 'noticeEndsAt'>,
  role: Actor['role'] | undefined,
  now = Date.now(),
): { objecting: boolean; notForRole: boolean; noticeOver: boolean } {
  const taking = takesObjections(view.stage, view.noticeEndsAt, now);
  const onNotice = taking && role !== undefined;
  return {
    objecting: onNotice && mayObject(role),
    notForRole: onNotice && !mayObject(role),
    // The period is over and the ranking waits for the objections lodged in it.
    noticeOver: view.stage === 'public_notice' && !taking,
  };
}

export function roundsPages(deps: AppDeps): Router {
  const router = Router();

  router.get('/rounds', async (req, res) => {
    const rounds = roundRows(await listRounds(deps), roundHref);
    render(req, res, 'rounds/list', { title: tr(req, 'rdListTitle'), rounds });
  });

  router.get('/rounds/:roundId', async (req, res, next) => {
    const roundId = roundIdOf(req);
    if (!roundId) return next();
    const view = await viewRoundPublic(deps, { roundId });
    const user = req.session?.user && req.session.user.expiresAt > Date.now() ? req.session.user : undefined;
    const { objecting, notForRole, noticeOver } = objectionOffer(view, user?.actor.role);
    render(req, res, 'rounds/round', {
      title: tr(req, 'rdRoundTitle', { round: roundName(roundId, req.locale) }),
      backLink: { href: '/rounds', text: tr(req, 'rdListTitle') },
      round: roundDisplay(view, req.locale, objecting ? { objectHref: (e) => objectionHref(roundId, e) } : {}),
      signedIn: user !== undefined,
      objectNotForRole: notForRole,
      noticeOver,
      signInHref: `/auth/sign-in?back=${encodeURIComponent(roundHref(roundId))}`,
    });
  });

  const showObjection = async (
    req: Request,
    res: Response,
    roundId: string,
    entryId: string,
    reason = '',
    errors?: FieldErrors,
    refused?: keyof typeof REFUSED,
  ) => {
    const view = await viewRoundPublic(deps, { roundId });
    const entry = entryOf(view, entryId);
    // Only an entry of a ranking on public notice can be objected to. One that is not listed is not
    // found; a listed one outside the period, or removed or left, is a conflict (as the API answers).
    const why: keyof typeof REFUSED | undefined =
      refused ??
      (!entry
        ? 'entry-not-found'
        : !takesObjections(view.stage, view.noticeEndsAt, Date.now())
          ? 'round-not-in-notice'
          : !objectable(entry.status)
            ? 'entry-not-objectable'
            : // Said before the reason is typed: one's own entry is no one's to object to.
              (await isOwnEntry(deps, signedInActor(req), roundId, entryId))
              ? 'own-entry'
              : undefined);
    if (why || !entry) {
      const [status, title, text] = REFUSED[why ?? 'entry-not-found'];
      return render(
        req,
        res,
        'message',
        {
          title: tr(req, title),
          heading: tr(req, title),
          paragraphs: [tr(req, text)],
          action: { href: roundHref(roundId), text: tr(req, 'rdBackToRanking') },
        },
        status,
      );
    }
    render(
      req,
      res,
      'rounds/objection',
      {
        title: tr(req, 'rdObjectionTitle', { rank: entry.rank, district: words('area', entry.district, req.locale) }),
        backLink: { href: `${roundHref(roundId)}#entry-${entryId}`, text: tr(req, 'rdBackToRanking') },
        errors: errors?.list,
        fieldErrors: errors?.byField() ?? {},
        roundId,
        entry,
        reason,
        requestId: newRequestId(),
      },
      errors?.any ? 400 : 200,
    );
  };

  router.get('/rounds/:roundId/objections/new', requireAnyRole(...OBJECTING_ROLES), async (req, res, next) => {
    const roundId = roundIdOf(req);
    const entryId = typeof req.query.entry === 'string' ? req.query.entry : '';
    if (!roundId) return next();
    await showObjection(req, res, roundId, entryId);
  });

  router.post('/rounds/:roundId/objections', requireAnyRole(...OBJECTING_ROLES), async (req, res, next) => {
    const roundId = roundIdOf(req);
    if (!roundId) return next();
    const body = req.body as FormBody | undefined;
    const entryId = field(body, 'entryId');
    const reason = field(body, 'reason');
    const parsed = ObjectionInput.safeParse({ entryId, reason });
    if (!parsed.success) {
      const errors = new FieldErrors(req);
      // Blank and too long are two mistakes, said as such (a script may send more than the field's maxlength).
      errors.add('reason', reason.trim() ? 'rdErrReasonTooLong' : 'rdErrReason');
      return showObjection(req, res, roundId, entryId, reason, errors);
    }
    // The form's request id is the idempotency key: a double submit is one objection.
    try {
      await lodgeObjection(deps, { actor: signedInActor(req), roundId, ...parsed.data, idempotencyKey: requestIdOf(body) });
    } catch (err) {
      // The round's refusal in the reader's words (the published ranking may not show the change yet).
      if (err instanceof AppError && Object.hasOwn(REFUSED, err.code))
        return showObjection(req, res, roundId, entryId, reason, undefined, err.code as keyof typeof REFUSED);
      throw err;
    }
    await flashAndRedirect(req, res, tr(req, 'rdObjectionLodged'), `${roundHref(roundId)}#entry-${parsed.data.entryId}`);
  });

  return router;
}
