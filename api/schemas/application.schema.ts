/**
 * The applicant's request bodies: declared once in the application layer
 * (app/commands/application-input.ts) so that the web pages validate exactly as the API does.
 */
export {
  ApplicationInput as ApplicationBody,
  MAX_FAMILY_MEMBERS,
  SupplementInput as SupplementBody,
  WithdrawInput as WithdrawBody,
} from '../../app/commands/application-input';
