/** Preparation failed for a reason the user can act on: INIT_FAILURE with this message. */
export class InitFailure extends Error {}
