import { decide, type ApprovalFlags } from './approval.js';

export default (runId: string, flags: ApprovalFlags) => decide('reject', runId, flags);
