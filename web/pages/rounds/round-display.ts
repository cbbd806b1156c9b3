/**
 * A round as the pages show it (issue 13), shaped once for the public pages and the supervisors':
 * the dates as days (Asia/Shanghai), each district's ranking with every entry's breakdown by
 * indicator in words, and the link to object to an entry while that is possible. Pure: the page
 * handlers pass the application layer's view and the visitor's language.
 */
import { objectable, takesObjections, type EntryStatus } from '../../../domain/admission-rounds';
import type { PublicRoundView, RoundSummary } from '../../../app/views/round-views';
import type { Locale } from '../../../domain/vocabulary';
import { label } from '../../../i18n/labels';

/** A code's words, or the code itself when a later code has none yet (a new event type must not break the page). */
export function words(table: string, code: string, locale: Locale): string {
  try {
    return label(table, code, locale);
  } catch {
    return code;
  }
}

const STAGE_TAG: Record<PublicRoundView['stage'], string> = {
  upcoming: 'grey',
  open: '',
  public_notice: 'yellow',
  final: 'green',
};
const ENTRY_TAG: Record<EntryStatus, string> = { admitted: 'green', not_admitted: 'grey', removed: 'red', left: 'grey' };

function carriedOver(available: number, ownQuota: number | undefined): { ownQuota?: number; carried?: number } {
  return ownQuota !== undefined && available > ownQuota ? { ownQuota, carried: available - ownQuota } : {};
}

/**
 * Still `public_notice` after the period's end (objections lodged in it are being answered): the
 * stage reads "period over", not "on notice", beside a page that takes no new objection.
 */
const noticeOver = (r: Pick<RoundSummary, 'stage' | 'noticeEndsAt'>, now: number): boolean =>
  r.stage === 'public_notice' && !takesObjections(r.stage, r.noticeEndsAt, now);

export function roundRows(items: readonly RoundSummary[], hrefOf: (roundId: string) => string, now = Date.now()) {
  return items.map((r) => ({ ...r, href: hrefOf(r.roundId), stageTag: STAGE_TAG[r.stage], noticeOver: noticeOver(r, now) }));
}

export interface RankingOptions {
  /** Where an entry's objection form is, when the visitor may object now; none otherwise. */
  objectHref?: (entryId: string) => string;
  /** The time the page is shown at (epoch ms): whether the notice period is over. */
  now?: number;
}

export function roundDisplay(view: PublicRoundView, locale: Locale, opts: RankingOptions = {}) {
  return {
    ...view,
    stageTag: STAGE_TAG[view.stage],
    noticeOver: noticeOver(view, opts.now ?? Date.now()),
    ranked: view.published,
    // Over without a ranking: no case joined it before it closed.
    final: view.stage === 'final',
    quotaRows: view.published
      ? []
      : Object.entries(view.quota ?? {}).map(([district, places]) => ({ districtText: words('area', district, locale), places })),
    districts: view.districts.map((d) => ({
      ...d,
      // Places earlier rounds of the year left unfilled pass to this one (domain/admission-rounds.ts):
      // said, so a number above the round's own quota is not a puzzle.
      ...carriedOver(d.available, view.quota?.[d.district]),
      districtText: words('area', d.district, locale),
      hasCutoff: d.cutoff !== undefined,
      entries: d.entries.map((e) => ({
        ...e,
        statusTag: ENTRY_TAG[e.status] ?? 'grey',
        statusText: words(view.stage === 'public_notice' ? 'entryStatusInNotice' : 'entryStatus', e.status, locale),
        breakdown: e.breakdown.map((b) => ({ indicatorText: words('pointsIndicator', b.indicator, locale), points: b.points })),
        objectHref: opts.objectHref && objectable(e.status) ? opts.objectHref(e.entryId) : undefined,
      })),
    })),
    events: view.events.map((e) => ({ ...e, typeText: words('roundEvent', e.type, locale) })),
  };
}
