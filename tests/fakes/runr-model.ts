import type { Conversation, Model, Reply, TokenUsage } from './model.js';

/**
 * A scripted model that plays runr's three roles the way a real coding agent would: the planner
 * answers with a plan, the implementer writes files with the CLI's own tools and runs a shell
 * command before answering, the reviewer approves. Tests override single requests with `inject`.
 */
export type RunrPhase = 'PLAN' | 'IMPLEMENT' | 'REVIEW';

export interface RunrRequest {
  phase: RunrPhase;
  /** 1-based milestone number named in the prompt (1 for PLAN). */
  milestone: number;
  conversation: Conversation;
  /** How many agent requests of this phase and milestone came before this one. */
  seen: number;
}

export interface RunrModelOptions {
  /** One goal per milestone; milestone n writes `notes/m<n>.txt`. */
  goals?: string[];
  usage?: TokenUsage;
  /** Return a reply to replace the default one for this request (errors, silence, odd answers). */
  inject?: (request: RunrRequest) => Reply | undefined;
}

export function phaseOf(conversation: Conversation): RunrPhase {
  const text = conversation.prompt;
  if (text.includes('You are the PLANNER')) return 'PLAN';
  if (text.includes('You are the REVIEWER')) return 'REVIEW';
  if (text.includes('You are the IMPLEMENTER')) return 'IMPLEMENT';
  throw new Error(`the fake model got a prompt that is not runr's: ${text.slice(0, 200)}`);
}

function milestoneOf(conversation: Conversation): number {
  const m = /# Current milestone: m(\d+)/.exec(conversation.prompt);
  return m ? Number(m[1]) : 1;
}

export const noteFile = (milestone: number) => `notes/m${milestone}.txt`;

const answer = (text: string, usage?: TokenUsage): Reply => ({ kind: 'answer', text, usage });
const json = (value: unknown) => `Done.\n\n\`\`\`json\n${JSON.stringify(value)}\n\`\`\``;

export function runrModel(opts: RunrModelOptions = {}): Model & { requests: RunrRequest[] } {
  const goals = opts.goals ?? ['write the first note', 'write the second note'];
  const counts = new Map<string, number>();
  const requests: RunrRequest[] = [];

  const model = (conversation: Conversation): Reply => {
    const phase = phaseOf(conversation);
    const milestone = milestoneOf(conversation);
    const key = `${phase}-${milestone}`;
    const seen = counts.get(key) ?? 0;
    counts.set(key, seen + 1);
    const request = { phase, milestone, conversation, seen };
    requests.push(request);
    const injected = opts.inject?.(request);
    if (injected) return injected;

    if (phase === 'PLAN') {
      return answer(json({ milestones: goals.map((goal, i) => ({ goal, files_expected: [noteFile(i + 1)], done_checks: [`${noteFile(i + 1)} exists`] })) }), opts.usage);
    }
    if (phase === 'REVIEW') return answer(json({ verdict: 'approve', comments: [] }), opts.usage);
    // IMPLEMENT: first the tools, then (once their results are back) the answer.
    if (conversation.toolOutputs.length === 0) {
      return {
        kind: 'answer',
        text: `Writing ${noteFile(milestone)}.`,
        tools: [
          { kind: 'write_file', path: noteFile(milestone), content: `ok milestone ${milestone}\n` },
          { kind: 'shell', command: `cat ${noteFile(milestone)}` },
        ],
        usage: opts.usage,
      };
    }
    return answer(json({ status: 'ok', summary: `wrote ${noteFile(milestone)}` }), opts.usage);
  };
  return Object.assign(model, { requests });
}
