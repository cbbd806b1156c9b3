/**
 * Who may be listed as a child needing a school place (§21–23), judged from the ID numbers
 * alone at submission. The bands are wide on purpose: they catch a wrong number or a wrong level
 * (a 66-year-old "primary pupil", a child born before the applicant), never a late or early
 * starter, whose place the education officer decides. Completed years on the submission day.
 */
import { ageOn } from './id-number';
import type { SchoolLevel } from './vocabulary';

export const SCHOOL_AGE: Record<SchoolLevel, { min: number; max: number }> = {
  kindergarten: { min: 2, max: 7 },
  primary: { min: 5, max: 15 },
  junior_secondary: { min: 10, max: 18 },
};

/** Why a child of this age cannot need a place at this level, or undefined when it may. */
export function schoolAgeProblem(idNumber: string, level: SchoolLevel, today: string): string | undefined {
  const age = ageOn(idNumber, today);
  const { min, max } = SCHOOL_AGE[level];
  if (age < min || age > max) return `a ${level} place is for a child aged ${min} to ${max}; this child is ${age}`;
  return undefined;
}

/** A child is born after the parent who applies (ID numbers carry YYYYMMDD at 7–14). */
export function bornAfter(childId: string, applicantId: string): boolean {
  return childId.slice(6, 14) > applicantId.slice(6, 14);
}

/**
 * Younger than anyone's spouse or parent can be: a mistyped number or relation, not a family. A
 * floor, not the age of marriage (民法典 1047's 22 and 20 are the mainland's registration rule;
 * autonomous regions, Hong Kong, Macao, Taiwan and other countries register younger spouses, and a
 * step-parent may be younger than an adult applicant): the officer still sees every person.
 */
export const YOUNGEST_SPOUSE_OR_PARENT = 16;

export function tooYoungForSpouseOrParent(idNumber: string, today: string): boolean {
  return ageOn(idNumber, today) < YOUNGEST_SPOUSE_OR_PARENT;
}
