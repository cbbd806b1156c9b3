/** Every workflow the worker registers. The exported name is the workflow type: never rename one. */
export { diagnosticProbe } from './diagnostic-probe.workflow';
export { settlementCase } from './settlement-case/settlement-case.workflow';
export { bulkIntervention } from './bulk-intervention/bulk-intervention.workflow';
export { admissionRound, admissionRoundTrigger } from './admission-round/admission-round.workflow';
export { noticeDispatcher } from './notice-dispatcher/notice-dispatcher.workflow';
export { resealPersonalData } from './key-rotation/reseal-personal-data.workflow';
export { retentionSweep } from './retention/retention-sweep.workflow';
