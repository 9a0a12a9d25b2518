import path from 'node:path';
import { OrchEventSchema, OrchStateSchema, type OrchEvent, type OrchEventInput, type OrchState } from '../contracts/orchestration.js';
import { writeJsonAtomic } from '../store/atomic.js';
import { appendJournalLine, readJournalFile, repairJournalTail } from '../store/journal.js';
import { ORCH_FILES } from '../store/paths.js';
import { foldOrch, stepOrch } from './orch-state.js';

const journalOf = (dir: string) => path.join(dir, ORCH_FILES.journal);

function parseOrchLine(line: string): OrchEvent | null {
  try {
    const parsed = OrchEventSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The orchestration as its journal says (the source of truth); null before orch_started. */
export function readOrchState(dir: string): OrchState | null {
  return foldOrch(readJournalFile(journalOf(dir), parseOrchLine, 'orchestration').events);
}

/** Every event of the orchestration's journal, in order. */
export function readOrchEvents(dir: string): OrchEvent[] {
  return readJournalFile(journalOf(dir), parseOrchLine, 'orchestration').events;
}

/**
 * The orchestrator's handle on its orchestration: every change is an event appended (and fsynced) to the
 * journal first, then folded and written to state.json atomically, as a run's store does.
 */
export class OrchStore {
  /** Called after every journaled event (the CLI prints progress from it). */
  onEvent: ((event: OrchEvent, state: OrchState) => void) | null = null;

  private constructor(readonly dir: string, private current: OrchState | null, private bytes: number) {}

  static open(dir: string): OrchStore {
    const file = journalOf(dir);
    const { events, validBytes } = readJournalFile(file, parseOrchLine, 'orchestration');
    repairJournalTail(dir, validBytes, file);
    const store = new OrchStore(dir, foldOrch(events), validBytes);
    store.persist();
    return store;
  }

  get state(): OrchState {
    if (!this.current) throw new Error(`${this.dir} has no orch_started event`);
    return this.current;
  }

  append(input: OrchEventInput): OrchState {
    const event = OrchEventSchema.parse({ ...input, seq: (this.current?.seq ?? 0) + 1 });
    this.bytes = appendJournalLine(journalOf(this.dir), `${JSON.stringify(event)}\n`, this.bytes);
    this.current = stepOrch(this.current, event);
    this.persist();
    this.onEvent?.(event, this.current);
    return this.current;
  }

  private persist(): void {
    if (this.current) writeJsonAtomic(path.join(this.dir, ORCH_FILES.state), OrchStateSchema.parse(this.current));
  }
}
