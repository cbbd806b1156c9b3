/**
 * The contract of re-sealing personal data after a key or suite change (issue 15, README
 * "Personal data at rest"): shared by the workflow, its activity, the starter and the tests.
 */
import { defineQuery } from '@temporalio/workflow';

/** One run at a time: starting it again while one runs is refused by the workflow id. */
export const RESEAL_WORKFLOW_ID = 'ResealPersonalData';

export interface ResealPosition {
  /** Index into `collections`. */
  collection: number;
  /** The last `_id` done in that collection; absent: from its start. */
  afterId?: string;
}

export interface ResealInput {
  /** The collections to re-seal (models/sealed-fields.plugin.ts SEALED_COLLECTIONS), in order. */
  collections: string[];
  batchSize: number;
  /** Where a continued run resumes. */
  from?: ResealPosition;
  /** Counts carried across continue-as-new. */
  resealed?: number;
  read?: number;
}

export interface ResealResult {
  read: number;
  resealed: number;
}

export interface ResealBatchResult {
  /** The last `_id` read; absent when the batch was empty (the collection is done). */
  lastId?: string;
  read: number;
  resealed: number;
}

export const resealProgressQuery = defineQuery<ResealPosition & ResealResult>('resealProgress');
