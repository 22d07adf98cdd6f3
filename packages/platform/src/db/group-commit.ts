// The group-commit loop lives in @bookflow/pg, shared with the receiver kit's accepts.
export { GroupCommit, type GroupCommitOptions, type Pending } from '@bookflow/pg';
