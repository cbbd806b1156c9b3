/**
 * The settlement's final, lasting effects, written where they live (issue 14): the 居民户口
 * registration in the police population system, one record per person (§3), and the
 * social-insurance transfer in HR's system (§25), which completes asynchronously.
 *
 * Our `registrations` and `social_insurance_transfers` rows are read models of what the
 * departments confirmed (their record ids and times), nothing more: they are written only after
 * the department answered, and never say more than it did.
 */
import type { Connection } from 'mongoose';
import { registerKey } from '../domain/registers';
import type { Application } from '../domain/vocabulary';
import { HOUSEHOLD_TYPE, peopleOf } from '../domain/vocabulary';
import { registrationModel } from '../models/registration.model';
import { socialInsuranceTransferModel } from '../models/social-insurance-transfer.model';
import type { RegistersClient } from './adapters/registers.client';

/** HR's answer about a transfer, as the case sees it. */
export interface TransferStatus {
  recordId: string;
  status: 'pending' | 'completed';
  completedAt?: string;
}

export function createRegistrationActivities({ mongo, registers }: { mongo: Connection; registers: RegistersClient }) {
  const registrations = registrationModel(mongo);
  const transfers = socialInsuranceTransferModel(mongo);
  const transferKey = (caseId: string) => registerKey(caseId, 'social_insurance_transfer', 'applicant');

  /** Mirrors HR's answer in our read model; answers it as the case sees it. */
  const mirrorTransfer = async (caseId: string, r: { recordId: string; status: string; completedAt?: string }) => {
    const completed = r.status === 'completed';
    await transfers.updateOne(
      { _id: caseId },
      {
        $set: {
          recordId: r.recordId,
          status: completed ? 'completed' : 'pending',
          ...(completed && r.completedAt ? { completedAt: new Date(r.completedAt) } : {}),
        },
      },
    );
    const answer: TransferStatus = { recordId: r.recordId, status: completed ? 'completed' : 'pending' };
    if (completed && r.completedAt) answer.completedAt = r.completedAt;
    return answer;
  };

  return {
    /**
     * A school place the education officer assigned at a school elsewhere in the area (the
     * planned places were full): written to the education register like a planned place, under
     * a key of its own (the waiting-list entry's key was undone when the child left the list).
     */
    async registerAssignedSchoolPlace(input: {
      caseId: string;
      personIndex: number;
      area: string;
      level: string;
      school: string;
    }): Promise<{ recordId: string }> {
      const item = `assigned-child-${input.personIndex}`;
      const record = await registers.write('school_place', registerKey(input.caseId, 'school_place', item), {
        caseId: input.caseId,
        item,
        area: input.area,
        level: input.level,
        school: input.school,
      });
      return { recordId: record.recordId };
    },

    /**
     * Undoes a place an education officer assigned elsewhere, when the family's case ends without
     * settling (patch `undo-assigned-place`): by the write's key, so it is idempotent, and an undo
     * that arrives before a late write leaves a tombstone that write then finds.
     */
    async undoAssignedSchoolPlace(input: { caseId: string; personIndex: number }): Promise<{ undone: boolean }> {
      return registers.undo('school_place', registerKey(input.caseId, 'school_place', `assigned-child-${input.personIndex}`));
    },

    /**
     * Registers every person of the household at the police (one record each, keyed by case and
     * person: a retry writes nothing twice), then records what the police confirmed.
     */
    async registerHousehold(input: {
      caseId: string;
      application: Application;
      collectiveHousehold: boolean;
    }): Promise<{ householdType: string; policeRecordIds: string[] }> {
      const app = input.application;
      const area = app.district ?? app.town ?? '';
      const people = peopleOf(app);
      const members = [];
      for (const [i, p] of people.entries()) {
        const record = await registers.write(
          'household_registration',
          registerKey(input.caseId, 'household_registration', 'household', i),
          {
            caseId: input.caseId,
            item: `person-${i}`,
            area,
            idNumber: p.idNumber,
            name: p.name,
            relation: p.relation,
            householdType: HOUSEHOLD_TYPE,
            collectiveHousehold: input.collectiveHousehold,
          },
        );
        members.push({
          idNumber: p.idNumber,
          name: p.name,
          relation: p.relation,
          policeRecordId: record.recordId,
          confirmedAt: new Date(record.createdAt),
        });
      }
      await registrations.updateOne(
        { _id: input.caseId },
        {
          $setOnInsert: {
            householdType: HOUSEHOLD_TYPE,
            route: app.route,
            area,
            collectiveHousehold: input.collectiveHousehold,
            members,
            // Registered when the police confirmed the last of them.
            registeredAt: new Date(Math.max(...members.map((m) => m.confirmedAt.getTime()))),
          },
        },
        { upsert: true },
      );
      return { householdType: HOUSEHOLD_TYPE, policeRecordIds: members.map((m) => m.policeRecordId) };
    },

    /** Asks HR to transfer the applicant's social insurance (§25); HR answers pending, completes later. */
    async startSocialInsuranceTransfer(input: { caseId: string; idNumber: string; area: string }): Promise<TransferStatus> {
      const record = await registers.write('social_insurance_transfer', transferKey(input.caseId), {
        caseId: input.caseId,
        item: 'applicant',
        area: input.area,
        idNumber: input.idNumber,
      });
      await transfers.updateOne(
        { _id: input.caseId },
        { $setOnInsert: { idNumber: input.idNumber, area: input.area, startedAt: new Date(record.createdAt) } },
        { upsert: true },
      );
      return mirrorTransfer(input.caseId, record);
    },

    /** HR's current status of the case's transfer (polled when no completion callback arrives). */
    async socialInsuranceTransferStatus(input: { caseId: string }): Promise<TransferStatus> {
      const record = await registers.read('social_insurance_transfer', transferKey(input.caseId));
      if (!record) throw new Error('HR has no record of this case’s social-insurance transfer');
      return mirrorTransfer(input.caseId, record);
    },
  };
}
