/** The settlement's final, lasting effects: police registration (§3) and the HR social-insurance transfer (§25). */
import type { Connection } from 'mongoose';
import type { Application } from '../domain/vocabulary';
import { HOUSEHOLD_TYPE } from '../domain/vocabulary';
import { registrationModel } from '../models/registration.model';
import { socialInsuranceTransferModel } from '../models/social-insurance-transfer.model';

export function createRegistrationActivities({ mongo }: { mongo: Connection }) {
  const registrations = registrationModel(mongo);
  const transfers = socialInsuranceTransferModel(mongo);
  return {
    async registerHousehold(input: {
      caseId: string;
      application: Application;
      collectiveHousehold: boolean;
    }): Promise<{ householdType: string }> {
      const app = input.application;
      await registrations.updateOne(
        { _id: input.caseId },
        {
          $setOnInsert: {
            householdType: HOUSEHOLD_TYPE,
            route: app.route,
            area: app.district ?? app.town ?? '',
            collectiveHousehold: input.collectiveHousehold,
            members: [app.applicant, ...app.family].map((p) => ({ idNumber: p.idNumber, name: p.name, relation: p.relation })),
            registeredAt: new Date(),
          },
        },
        { upsert: true },
      );
      return { householdType: HOUSEHOLD_TYPE };
    },

    async startSocialInsuranceTransfer(input: { caseId: string; idNumber: string; area: string }): Promise<void> {
      await transfers.updateOne(
        { _id: input.caseId },
        { $setOnInsert: { idNumber: input.idNumber, area: input.area, startedAt: new Date() } },
        { upsert: true },
      );
    },
  };
}
